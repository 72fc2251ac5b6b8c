"""Imports of DECP files and of a register (spreadsheet), their journal, and the DECP export."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.enums import Role
from core.imports import MODE_TACHE, import_confirmer
from core.mixins import role_required
from core.models import Organisation
from core.perms import ALL_ROLES

from .. import decp, register, selectors, services
from ..forms import ImportForm
from ..jobs import JOB_IMPORT, importeur


def _confirmer(request, upload, format_):
    """The one import policy (core.imports): written now, or by a background job for a large file."""
    mode, report = import_confirmer(
        taille=upload.size, job_type=JOB_IMPORT, user=request.user, organisation=request.user.organisation,
        executer=lambda: importeur(format_)(data=upload.read(), fichier=upload.name, user=request.user),
        parametres=lambda: {"path": services.import_fichier_stocker(fichier=upload), "nom": upload.name,
                            "format": format_})
    if mode == MODE_TACHE:
        messages.info(request, f"« {upload.name} » : l'import est lancé en tâche de fond ; suivez son état ici.")
    return mode, report


@role_required(Role.DCP, Role.ADMIN)
def import_decp(request):
    """Upload a DECP file: saved directly when readable (with the report of repaired anomalies);
    refused as a whole, with the errors, otherwise."""
    form = ImportForm(request.POST or None, request.FILES or None, label="Importer le fichier",
                      extensions=(".json", ".xml"))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        mode, report = _confirmer(request, upload, "decp")
        if mode == MODE_TACHE:
            return redirect("core:taches")
        if report["refuse"]:
            messages.error(request, f"Fichier « {upload.name} » refusé : rien n'a été enregistré.")
        else:
            messages.success(request, f"Fichier « {upload.name} » importé.")
    return render(request, "marches/import.html", {
        "form": form, "report": report, "titre": "Importer des données essentielles (DECP)",
        "aide": "JSON au format DECP v2 (schéma 2.0.3) ou v1 (avant 2024), ou XML v2. Les écarts courants sont "
                "corrigés et signalés ; un fichier incompréhensible est refusé en entier.",
    })


@role_required(Role.DCP, Role.ADMIN)
def import_list(request):
    return render(request, "marches/import_list.html", {"imports": selectors.import_journal_list()})


@role_required(*ALL_ROLES)
def export_decp(request):
    """DECP JSON download, for one buyer (a partner: its own) and/or one year."""
    acheteur = None
    if request.user.role == Role.PARTENAIRE:
        acheteur = request.user.organisation
        if acheteur is None:
            raise PermissionDenied("Aucune organisation rattachée.")
    elif request.GET.get("acheteur", "").isdigit():
        acheteur = get_object_or_404(Organisation, pk=int(request.GET["acheteur"]))
    annee = request.GET.get("annee", "")
    annee = int(annee) if annee.isdigit() and 1990 < int(annee) < 2100 else None
    document = decp.export_json(acheteur=acheteur, annee=annee)
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    name = f"decp-{acheteur.siret if acheteur else 'tous'}{f'-{annee}' if annee else ''}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.DCP, Role.ADMIN)
def import_registre(request):
    form = ImportForm(request.POST or None, request.FILES or None, label="Importer le registre",
                      extensions=(".csv", ".xlsx"))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        mode, report = _confirmer(request, upload, "registre")
        if mode == MODE_TACHE:
            return redirect("core:taches")
        if report["refuse"]:
            messages.error(request, f"Fichier « {upload.name} » refusé : rien n'a été enregistré.")
        else:
            messages.success(request, f"Registre « {upload.name} » importé.")
    return render(request, "marches/import.html", {
        "form": form, "report": report, "titre": "Importer un registre de marchés (tableur)",
        "modele_url": reverse("marches:registre_modele"),
        "aide": "CSV (séparateur ; ou ,) en UTF-8 ou classeur XLSX, avec les colonnes du modèle (en-têtes sans "
                "distinction de casse). Listes séparées par « | », considérations avec les libellés DECP. Une seule "
                "erreur refuse tout le fichier : chaque erreur est indiquée avec sa ligne et sa colonne.",
    })


@role_required(*ALL_ROLES)
def registre_modele(request):
    response = HttpResponse(register.modele_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-registre-marches.csv"'
    return response
