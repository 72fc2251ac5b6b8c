"""Background job of the contracts' imports (loaded by core.jobs): a large DECP file or register is written by a
worker, not in the request (core.imports.import_confirmer decides). The write is the request's own service
(marches.services.decp_importer / registre_importer), all or nothing: it runs in the job's one transaction, so a
refused file or a failure halfway writes nothing. Its progress (steps of a DECP file, rows of a register) is
noted for the page the user lands on (marches:import_tache, core.jobs.progression_noter), and so are the
problems refusing a file (file, row or record, column, reason), which the job's message names too. The stored
file is removed when the import is done."""

from django.core.files.storage import default_storage

from core.jobs import progression_noter, register

from . import services

JOB_IMPORT = "import_marches"
IMPORTEURS = {"decp": "decp_importer", "registre": "registre_importer"}  # marches.services' functions
ERREURS_NOTEES = 500  # problems kept for the page (the journal of a refused file is not written)


def importeur(format_: str):
    return getattr(services, IMPORTEURS[format_])


class ImportRefuse(Exception):
    """The file has errors: nothing written (the job fails with them as its message)."""


@register(JOB_IMPORT)
def import_job(tache):
    params = tache.parametres

    def progression(fait, total, etape):
        progression_noter(tache, fait=fait, total=total, etape=etape)

    with default_storage.open(params["path"], "rb") as handle:
        data = handle.read()
    report = importeur(params["format"])(data=data, fichier=params["nom"], user=tache.demandee_par,
                                         progression=progression)
    if report["refuse"]:
        erreurs = report["texte_erreurs"]
        progression_noter(tache, fait=0, total=0, etape="Fichier refusé", erreurs=report["erreurs"][:ERREURS_NOTEES],
                          nb_erreurs=len(report["erreurs"]))
        raise ImportRefuse(f"{len(erreurs)} erreur(s), rien n'a été enregistré : " + " ; ".join(erreurs[:20]))
    services.import_fichier_supprimer(path=params["path"])
    tache.resultat = {k: report[k] for k in ("fichier", "nb_lus", "nb_crees", "nb_modifies", "nb_inchanges",
                                             "nb_anomalies")}
    progression(1, 1, "Validation de l'enregistrement")
