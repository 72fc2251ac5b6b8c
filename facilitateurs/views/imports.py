"""Imports of participants and monthly hours: upload, preview (rows and errors), confirmation (all or
nothing; a large file is imported by a background job)."""

import os

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render

from core.imports import MODE_TACHE, import_confirmer
from core.mixins import role_required

from .. import imports, selectors, services
from ..forms import ImportForm
from ..jobs import JOB_IMPORT
from .base import FACILITATION


def _pending(request, token):
    pending = request.session.get("imports_en_attente", {})
    item = pending.get(token)
    if item is None or not default_storage.exists(item["path"]):
        raise Http404("Import introuvable ou expiré.")
    return item


def _pending_retirer(request, token):
    pending = request.session.get("imports_en_attente", {})
    pending.pop(token, None)
    request.session["imports_en_attente"] = pending


@role_required(*FACILITATION)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        token, path = services.import_fichier_stocker(fichier=fichier)
        pending = request.session.get("imports_en_attente", {})
        pending[token] = {"path": path, "nom": os.path.basename(fichier.name), "type": form.cleaned_data["type"]}
        request.session["imports_en_attente"] = pending
        return redirect("facilitateurs:import_preview", token=token)
    journal = selectors.journal_imports_recents()
    return render(request, "facilitateurs/import_upload.html", {"form": form, "journal": journal})


@role_required(*FACILITATION)
def import_preview(request, token):
    """Parse the stored file and show its rows and errors; POST confirms and saves (all or nothing)."""
    item = _pending(request, token)
    importer = imports.import_heures if item["type"] == "heures" else imports.import_participants
    path = default_storage.path(item["path"])
    if request.method == "POST":
        mode, resultat = import_confirmer(
            taille=default_storage.size(item["path"]), executer=lambda: importer(path, user=request.user,
                                                                                  nom=item["nom"]),
            job_type=JOB_IMPORT, parametres=item, user=request.user, organisation=request.user.organisation)
        if mode == MODE_TACHE:  # a large file is imported by a worker; its state shows on the jobs page
            _pending_retirer(request, token)
            messages.info(request, f"{item['nom']} : l'import est lancé en tâche de fond ; suivez son état ici.")
            return redirect("core:taches")
        if resultat.ok:
            services.import_fichier_supprimer(path=item["path"])
            _pending_retirer(request, token)
            messages.success(request, f"{item['nom']} : {resultat.lignes} lignes importées ({resultat.crees} créées, "
                                      f"{resultat.mis_a_jour} mises à jour).")
            return redirect("facilitateurs:home")
    else:
        resultat = importer(path, user=request.user, nom=item["nom"], dry_run=True)
    return render(request, "facilitateurs/import_preview.html", {"item": item, "resultat": resultat,
                                                                   "token": token})
