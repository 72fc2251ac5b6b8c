"""Writes of the bilans app: ask for a bilan (queued to Celery), build its PDF (the job), regenerate it."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.jobs import job_enqueue
from core.services import auteur_noter

from .definitions import chiffres_cles
from .models import Bilan
from .pdf import bilan_pdf
from .selectors import indicateurs_caches

JOB_TYPE = "bilan_annuel"


@transaction.atomic
def bilan_demander(
    *, user, acheteur, annee: int, depuis: int | None = None, direction=None, famille=None, convention=None
) -> Bilan:
    """Record who asks for which bilan, and queue its PDF (built by a worker once the transaction commits)."""
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
    # The same figures as the PDF's (the PDF reads them from the cache this fills).
    bilan.chiffres = chiffres_cles(indicateurs_caches(**_perimetre(bilan)))
    pdf = bilan_pdf(**_perimetre(bilan))
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
    return bilan
