"""Background job of the contracts' imports (loaded by core.jobs): a large DECP file or register is written by a
worker, not in the request (core.imports.import_confirmer decides). All or nothing, like the request; the stored
file is removed when the import is done."""

from django.core.files.storage import default_storage

from core.jobs import register

from . import services

JOB_IMPORT = "import_marches"
IMPORTEURS = {"decp": "decp_importer", "registre": "registre_importer"}  # marches.services' functions


def importeur(format_: str):
    return getattr(services, IMPORTEURS[format_])


@register(JOB_IMPORT)
def import_job(tache):
    params = tache.parametres
    with default_storage.open(params["path"], "rb") as handle:
        data = handle.read()
    report = importeur(params["format"])(data=data, fichier=params["nom"], user=tache.demandee_par)
    if report["refuse"]:
        erreurs = report["texte_erreurs"]
        raise ValueError(f"{len(erreurs)} erreur(s), rien n'a été enregistré : " + " ; ".join(erreurs[:20]))
    services.import_fichier_supprimer(path=params["path"])
    tache.resultat = {k: report[k] for k in ("fichier", "nb_lus", "nb_crees", "nb_modifies", "nb_inchanges",
                                             "nb_anomalies")}
