"""Imports of DECP files and of a register (spreadsheet): upload, preview (nothing written), confirmation (written in
the request, or by a background job for a large file); their journal, and the DECP export."""

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from core.enums import Role
from core.imports import (
    MODE_TACHE,
    ImportExpire,
    apercu_lire,
    import_confirmer,
    import_en_attente_lire,
    import_en_attente_noter,
    import_en_attente_retirer,
)
from core.jobs import progression_lire
from core.middleware import accepte_fichiers
from core.mixins import role_required
from core.models import Organisation, Tache
from core.parametres import AnneeField, IdField, ParametresForm, parametres_lire
from core.perms import ALL_ROLES, can_see_tache
from core.templatetags.formats import compte

from .. import decp, register, selectors, services
from ..decp_telechargement import decp_reponse
from ..forms import ImportForm
from ..jobs import JOB_IMPORT, importeur

FORMATS = {
    "decp": {"titre": "Importer des données essentielles (DECP)", "url": "marches:import_decp"},
    "registre": {"titre": "Importer un registre de marchés (tableur)", "url": "marches:import_registre"},
}


def _stocker(request, upload, format_):
    """Upload: the file is stored and waits in the uploader's session for its confirmation (core.imports)."""
    token, path = services.import_fichier_stocker(fichier=upload)
    import_en_attente_noter(request, token=token, item={"path": path, "nom": os.path.basename(upload.name),
                                                        "format": format_})
    return redirect("marches:import_apercu", token=token)


def _lire(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def _apercu(format_: str, data: bytes, nom: str) -> dict:
    """What the import would do, read without writing: records read, errors (the file is refused), anomalies."""
    if format_ == "decp":
        lecture = decp.parse_bytes(data, nom)
        nb_lus, nb_doublons = lecture.nb_lus, lecture.nb_doublons
    else:
        lecture = register.parse(data, nom)
        if not lecture.erreurs:
            register.valider_references(lecture)
        nb_lus, nb_doublons = len(lecture.lignes), 0
    return {"fichier": nom, "refuse": bool(lecture.erreurs), "nb_lus": nb_lus, "nb_doublons": nb_doublons,
            "erreurs": lecture.erreurs, "anomalies": lecture.anomalies, "nb_anomalies": len(lecture.anomalies)}


@role_required(Role.DCP, Role.ADMIN)
def import_apercu(request, token):
    """Preview of a stored DECP file or register (nothing written); POST confirms: the import runs in the request,
    or in a background job above IMPORT_TACHE_SEUIL_OCTETS (core.imports.import_confirmer)."""
    try:
        item = import_en_attente_lire(request, token=token)
    except ImportExpire:
        import_en_attente_retirer(request, token=token)
        messages.error(request, "Ce fichier n'est plus disponible (déjà importé ou expiré) : importez-le à nouveau.")
        return redirect("marches:imports")
    format_, nom = item["format"], item["nom"]
    if request.method == "POST":
        mode, report = import_confirmer(
            taille=default_storage.size(item["path"]), job_type=JOB_IMPORT, user=request.user,
            organisation=request.user.organisation, parametres=item,
            executer=lambda: importeur(format_)(data=_lire(item["path"]), fichier=nom, user=request.user))
        import_en_attente_retirer(request, token=token)
        if mode == MODE_TACHE:  # the job removes the file once imported; its progress shows on the next page
            messages.info(request, f"« {nom} » : l'import est lancé en tâche de fond ; son avancement s'affiche "
                                   f"ci-dessous.")
            return redirect("marches:import_tache", pk=report.pk)
        services.import_fichier_supprimer(path=item["path"])
        if not report["refuse"]:
            messages.success(request, f"« {nom} » importé : {compte(report['nb_crees'], 'créé')}, "
                                      f"{compte(report['nb_modifies'], 'modifié')}, "
                                      f"{compte(report['nb_inchanges'], 'inchangé')}.")
            return redirect("marches:imports")
        messages.error(request, f"Fichier « {nom} » refusé : rien n'a été enregistré.")
    else:  # parsed once: reloading the preview does not parse the file again
        report = apercu_lire(token=token, calculer=lambda: _apercu(format_, _lire(item["path"]), nom))
    return render(request, "marches/import_apercu.html", {
        "report": report, "token": token, "titre": FORMATS[format_]["titre"],
        "retour_url": reverse(FORMATS[format_]["url"]), "confirme": request.method == "POST"})


@role_required(Role.DCP, Role.ADMIN)
def import_tache(request, pk):
    """A large import written by a background job (marches.jobs): its state and progress (the page refreshes its
    status while the job runs: static/js/import-suivi.js), then its counts, or the problems refusing the file.
    Only the user who confirmed it sees it (an administrator: every one)."""
    tache = get_object_or_404(Tache, pk=pk, type=JOB_IMPORT)
    if not can_see_tache(request.user, tache):
        raise Http404("Import introuvable.")
    progression = progression_lire(tache) or {}
    erreurs = progression.get("erreurs", []) if tache.etat == Tache.Etat.ECHEC else []
    format_ = tache.parametres.get("format")
    return render(request, "marches/import_tache.html", {
        "tache": tache, "progression": progression, "erreurs": erreurs, "nb_erreurs": progression.get(
            "nb_erreurs", len(erreurs)), "nom": tache.parametres.get("nom", ""),
        "titre": FORMATS[format_]["titre"] if format_ in FORMATS else "Import",
        "retour_url": reverse(FORMATS[format_]["url"]) if format_ in FORMATS else reverse("marches:imports")})


@accepte_fichiers
@role_required(Role.DCP, Role.ADMIN)
def import_decp(request):
    """Upload a DECP file: stored, then previewed (anomalies repaired, or the errors refusing it) before the
    user confirms the import."""
    form = ImportForm(request.POST or None, request.FILES or None, label="Prévisualiser le fichier",
                      extensions=(".json", ".xml"))
    if request.method == "POST" and form.is_valid():
        return _stocker(request, form.cleaned_data["fichier"], "decp")
    return render(request, "marches/import.html", {
        "form": form, "titre": FORMATS["decp"]["titre"],
        "aide": "JSON au format DECP v2 (schéma 2.0.3) ou v1 (avant 2024), ou XML v2. Les écarts courants sont "
                "corrigés et signalés ; un fichier incompréhensible est refusé en entier. Le fichier est d'abord "
                "lu sans rien enregistrer : vous confirmez l'import après l'aperçu.",
    })


@role_required(Role.DCP, Role.ADMIN)
def import_list(request):
    """The journal of the contracts' imports, and the user's latest imports run as jobs (links to their page)."""
    taches = Tache.objects.filter(type=JOB_IMPORT, demandee_par=request.user).order_by("-created_at")[:5]
    return render(request, "marches/import_list.html", {"imports": selectors.import_journal_list(),
                                                        "taches": taches})


class ExportDecpParametres(ParametresForm):
    acheteur = IdField()
    annee = AnneeField(min_value=1991, max_value=2099)


@role_required(*ALL_ROLES)
def export_decp(request):
    """DECP JSON download, for one buyer (a partner: its own) and/or one year: the file of the current data
    version, built once and streamed (marches.decp_telechargement)."""
    acheteur = None
    if request.user.role == Role.PARTENAIRE:
        acheteur = request.user.organisation
        if acheteur is None:
            raise PermissionDenied("Aucune organisation rattachée.")
    parametres = parametres_lire(ExportDecpParametres, request.GET)
    if acheteur is None and parametres.get("acheteur"):
        acheteur = get_object_or_404(Organisation, pk=parametres["acheteur"])
    annee = parametres.get("annee")
    name = f"decp-{acheteur.siret if acheteur else 'tous'}{f'-{annee}' if annee else ''}.json"
    return decp_reponse(acheteur=acheteur, annee=annee, nom=name)


@accepte_fichiers
@role_required(Role.DCP, Role.ADMIN)
def import_registre(request):
    form = ImportForm(request.POST or None, request.FILES or None, label="Prévisualiser le registre",
                      extensions=(".csv", ".xlsx"))
    if request.method == "POST" and form.is_valid():
        return _stocker(request, form.cleaned_data["fichier"], "registre")
    return render(request, "marches/import.html", {
        "form": form, "titre": FORMATS["registre"]["titre"], "modele_url": reverse("marches:registre_modele"),
        "aide": "CSV (séparateur ; ou ,) en UTF-8 ou classeur XLSX, avec les colonnes du modèle (en-têtes sans "
                "distinction de casse). Listes séparées par « | », considérations avec les libellés DECP. Une seule "
                "erreur refuse tout le fichier : chaque erreur est indiquée avec sa ligne et sa colonne. Le fichier "
                "est d'abord lu sans rien enregistrer : vous confirmez l'import après l'aperçu.",
    })


@role_required(*ALL_ROLES)
def registre_modele(request):
    response = HttpResponse(register.modele_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "modele-registre-marches.csv")
    return response
