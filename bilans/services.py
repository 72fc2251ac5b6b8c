"""Writes of the bilans app: ask for a bilan (queued to Celery), build its PDF (the job), regenerate it."""

import datetime
from collections import Counter

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.jobs import job_enqueue
from core.services import auteur_noter

from . import selectors
from .calcul import memoire_de_calcul
from .definitions import chiffres_cles
from .models import Bilan
from .pdf import bilan_pdf

JOB_TYPE = "bilan_annuel"
DEMANDES_PAR_MINUTE = 5  # default of settings.BILANS_DEMANDES_PAR_MINUTE: a PDF is a heavy job
FICHIERS_CONSERVES = 2  # per perimeter, the newest produced files kept (the current one and the one before)
PERIMETRE = ("acheteur_id", "annee", "depuis", "direction_id", "famille_id", "convention_id")


class DemandeTropFrequente(Exception):
    """A user asked for more bilans in the last minute than settings.BILANS_DEMANDES_PAR_MINUTE: nothing queued."""


def _demandes_limiter(user) -> None:
    if not getattr(user, "is_authenticated", False):
        return
    limite = int(getattr(settings, "BILANS_DEMANDES_PAR_MINUTE", DEMANDES_PAR_MINUTE))
    recentes = Bilan.objects.filter(demande_par=user,
                                    created_at__gte=timezone.now() - datetime.timedelta(minutes=1)).count()
    if recentes >= limite:
        raise DemandeTropFrequente(
            f"Vous avez demandé {recentes} bilans dans la dernière minute : c'est le maximum. Les bilans demandés "
            f"sont en préparation ; attendez une minute avant d'en demander un autre.")


@transaction.atomic
def bilan_demander(
    *, user, acheteur, annee: int, depuis: int | None = None, direction=None, famille=None, convention=None
) -> Bilan:
    """Record who asks for which bilan, and queue its PDF (built by a worker once the transaction commits).
    Raises DemandeTropFrequente past settings.BILANS_DEMANDES_PAR_MINUTE requests of the user in a minute."""
    _demandes_limiter(user)
    bilan = Bilan(
        acheteur=acheteur,
        annee=annee,
        depuis=depuis,
        direction=direction,
        famille=famille,
        convention=convention,
        demande_par=user if getattr(user, "is_authenticated", False) else None,
    )
    auteur_noter(bilan, user=user, reason="Demande de bilan annuel")
    bilan.save()
    bilan.tache = job_enqueue(
        type=JOB_TYPE,
        parametres={"bilan_id": bilan.pk, **bilan.parametres()},
        user=user,
        organisation=acheteur,
    )
    bilan.save(update_fields=["tache"])
    return bilan


def bilan_regenerer(*, bilan: Bilan, user) -> Bilan:
    """A new bilan with the same parameters (the previous one is kept, with its file)."""
    return bilan_demander(user=user, **_perimetre(bilan))


def _perimetre(bilan: Bilan) -> dict:
    return {"acheteur": bilan.acheteur, "annee": bilan.annee, "depuis": bilan.depuis, "direction": bilan.direction,
            "famille": bilan.famille, "convention": bilan.convention}


@transaction.atomic
def bilan_generer(*, bilan: Bilan) -> Bilan:
    """Build the PDF and attach it (called by the job; idempotent: a new build replaces the file)."""
    # One computation of the figures for the PDF and its key figures stored for the homes: the same, even when the
    # data change while the PDF is being drawn.
    memoire_de_calcul()  # inside this job's transaction (PostgreSQL: more sort memory, no JIT)
    data = selectors.indicateurs_annuels(**_perimetre(bilan))
    bilan.chiffres = chiffres_cles(data)
    pdf = bilan_pdf(data=data)
    if bilan.fichier:
        bilan.fichier.delete(save=False)
    # One file name per bilan: a file left there by an attempt killed before its commit (core.jobs) is
    # replaced, not kept beside the new one. Users download it as nom_fichier() whatever its stored name.
    nom = f"{bilan.pk}-{bilan.nom_fichier()}"
    stocke = bilan.fichier.field.generate_filename(bilan, nom)
    if bilan.fichier.storage.exists(stocke):
        bilan.fichier.storage.delete(stocke)
    bilan.fichier.save(nom, ContentFile(pdf), save=False)
    bilan.generated_at = timezone.now()
    auteur_noter(bilan, reason="PDF du bilan produit")
    bilan.save(update_fields=["fichier", "generated_at", "chiffres"])
    # Housekeeping: a pruning that fails is logged (robust) and never turns the bilan just produced into a failure.
    transaction.on_commit(lambda: bilans_remplaces_purger(perimetre_de=bilan), robust=True)
    return bilan


def bilans_remplaces_purger(*, perimetre_de: Bilan | None = None, conserver: int = FICHIERS_CONSERVES) -> int:
    """The rule for the files of superseded bilans: per perimeter (buyer, year, span, direction, family,
    convention) only the `conserver` newest produced PDFs are kept; the older bilans keep their row, history and
    key figures, their file is deleted. Run once a new bilan's PDF is committed (bilan_generer), for its
    perimeter; `perimetre_de=None`: every perimeter. Returns the number of files deleted."""
    bilans = Bilan.objects.exclude(fichier="").exclude(fichier__isnull=True)
    if perimetre_de is not None:
        bilans = bilans.filter(**{cle: getattr(perimetre_de, cle) for cle in PERIMETRE})
    vus, supprimes = Counter(), 0
    for bilan in bilans.order_by("-generated_at", "-pk"):
        cle = tuple(getattr(bilan, c) for c in PERIMETRE)
        vus[cle] += 1
        if vus[cle] <= conserver:
            continue
        with transaction.atomic():
            bilan.fichier.delete(save=False)
            auteur_noter(bilan, reason="Fichier d'un bilan remplacé supprimé")
            bilan.save(update_fields=["fichier"])
        supprimes += 1
    return supprimes
