"""Background job of the facilitators' app (loaded by core.jobs): a large confirmed upload is imported by a
worker, not in the request. All or nothing, like the commands; the temporary file is removed when done."""

from django.core.files.storage import default_storage

from core.jobs import register

from . import imports

JOB_IMPORT = "import_facilitateurs"


@register(JOB_IMPORT)
def import_job(tache):
    params = tache.parametres
    importer = imports.import_heures if params["type"] == "heures" else imports.import_participants
    resultat = importer(default_storage.path(params["path"]), user=tache.demandee_par, nom=params["nom"])
    if not resultat.ok:
        messages = resultat.messages_erreurs()
        raise ValueError(f"{len(messages)} erreur(s), rien n'a été enregistré : " + " ; ".join(messages[:20]))
    default_storage.delete(params["path"])
    tache.resultat = {"fichier": params["nom"], "lignes": resultat.lignes, "crees": resultat.crees,
                      "mis_a_jour": resultat.mis_a_jour, "entreprises_creees": resultat.entreprises_creees}
