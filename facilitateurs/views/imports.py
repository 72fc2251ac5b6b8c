"""Imports of participants and monthly hours: upload, preview (rows and errors), confirmation (all or
nothing; a large file is imported by a background job)."""

import os

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from core.imports import (
    MODE_TACHE,
    apercu_lire,
    import_confirmer,
    import_en_attente_lire,
    import_en_attente_noter,
    import_en_attente_retirer,
    problemes_affiches,
)
from core.middleware import accepte_fichiers
from core.mixins import role_required

from .. import imports, selectors, services
from ..forms import ImportForm
from ..jobs import JOB_IMPORT
from .base import FACILITATION


@accepte_fichiers
@role_required(*FACILITATION)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        token, path = services.import_fichier_stocker(fichier=fichier)
        import_en_attente_noter(request, token=token, item={"path": path, "nom": os.path.basename(fichier.name),
                                                            "type": form.cleaned_data["type"]})
        return redirect("facilitateurs:import_preview", token=token)
    journal = selectors.journal_imports_recents()
    return render(request, "facilitateurs/import_upload.html", {"form": form, "journal": journal})


@role_required(*FACILITATION)
def import_preview(request, token):
    """Parse the stored file and show its rows and errors; POST confirms and saves (all or nothing)."""
    item = import_en_attente_lire(request, token=token)
    importer = imports.import_heures if item["type"] == "heures" else imports.import_participants
    path = default_storage.path(item["path"])
    if request.method == "POST":
        mode, resultat = import_confirmer(
            taille=default_storage.size(item["path"]), executer=lambda: importer(path, user=request.user,
                                                                                  nom=item["nom"]),
            job_type=JOB_IMPORT, parametres=item, user=request.user, organisation=request.user.organisation)
        if mode == MODE_TACHE:  # a large file is imported by a worker; its state shows on the jobs page
            import_en_attente_retirer(request, token=token)
            messages.info(request, f"{item['nom']} : l'import est lancé en tâche de fond ; suivez son état ici.")
            return redirect("core:taches")
        if resultat.ok:
            services.import_fichier_supprimer(path=item["path"])
            import_en_attente_retirer(request, token=token)
            messages.success(request, f"{item['nom']} : {resultat.lignes} lignes importées ({resultat.crees} créées, "
                                      f"{resultat.mis_a_jour} mises à jour).")
            return redirect("facilitateurs:home")
    else:  # parsed once: reloading the preview does not parse the file again
        resultat = apercu_lire(token=token, calculer=lambda: importer(path, user=request.user, nom=item["nom"],
                                                                      dry_run=True))
    erreurs_affichees, erreurs_autres = problemes_affiches(resultat.erreurs)
    return render(request, "facilitateurs/import_preview.html", {
        "item": item, "resultat": resultat, "token": token, "erreurs_affichees": erreurs_affichees,
        "erreurs_autres": erreurs_autres})


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@role_required(*FACILITATION)
def import_modele(request, type, format):
    """The template file of an import (hours or participants), as CSV or XLSX."""
    if type not in imports.MODELES or format not in CONTENT_TYPES:
        raise Http404("Modèle de fichier inconnu.")
    response = HttpResponse(imports.modele_fichier(type, format), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(True, f"modele-{type}.{format}")
    return response
