"""Writes on conventions, participants, placements, hours, outcomes and next actions.
Each write is atomic and recorded by django-simple-history with its author (`record_author`);
large imports (facilitateurs.imports) bulk-write and record themselves in JournalImport."""

import datetime
import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.concurrence import version_verifier
from core.services import record_author

from .models import (
    ActionSuivi,
    Convention,
    Eligibilite,
    HeuresMensuelles,
    IdentiteParticipant,
    JournalImport,
    LectureIdentite,
    MiseEnEmploi,
    Participant,
    Sortie,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """26/11/2026 + 3 months = 26/02/2027; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def validite_par_defaut(date_verification: datetime.date) -> datetime.date:
    return add_months(date_verification, int(settings.SPASER["VALIDITE_JUSTIFICATIF_MOIS"]))


def _save(obj, *, user=None, reason: str = ""):
    record_author(obj, user=user, reason=reason)
    obj.full_clean()
    obj.save()
    return obj


# Conventions -------------------------------------------------------------------------------------

@transaction.atomic
def convention_save(*, convention: Convention, user=None, marches=None, facilitateurs=None,
                    reason: str = "") -> Convention:
    _save(convention, user=user, reason=reason)
    if marches is not None:
        convention.marches.set(marches)
    if facilitateurs is not None:
        convention.facilitateurs.set(facilitateurs)
    return convention


# Participants ------------------------------------------------------------------------------------

@transaction.atomic
def participant_save(*, participant: Participant, user=None, identite: dict | None = None,
                     reason: str = "", version: str | None = None) -> Participant:
    """Save the pseudonymous participant and, when given, its identity (kept in its own table).
    `version`: the participant's version when the form was opened (core.concurrence): ConflitModification
    if someone saved it since."""
    version_verifier(participant, version, libelle="Ce participant")
    participant.code = participant.code.strip()
    _save(participant, user=user, reason=reason)
    if identite is not None and any((identite.get(k) or "").strip() for k in ("nom", "prenom")):
        identity = IdentiteParticipant.objects.filter(participant=participant).first() or IdentiteParticipant(
            participant=participant)
        for field in ("nom", "prenom", "telephone", "email", "adresse"):
            setattr(identity, field, (identite.get(field) or "").strip())
        _save(identity, user=user, reason=reason)
    return participant


def identite_lecture_record(*, participant: Participant, user, motif: str = "consultation") -> LectureIdentite:
    """Record that `user` read `participant`'s identity (GDPR accountability)."""
    return LectureIdentite.objects.create(participant=participant, user=user if user and user.is_authenticated
                                          else None, motif=motif)


@transaction.atomic
def eligibilite_save(*, participant: Participant, public: str, date_verification: datetime.date, user=None,
                     date_fin_validite: datetime.date | None = None, commentaire: str = "") -> Eligibilite:
    """Create or update one criterion; proof valid settings.SPASER['VALIDITE_JUSTIFICATIF_MOIS'] months by default."""
    eligibilite = Eligibilite.objects.filter(participant=participant, public=public).first() or Eligibilite(
        participant=participant, public=public)
    eligibilite.date_verification = date_verification
    eligibilite.date_fin_validite = date_fin_validite or validite_par_defaut(date_verification)
    eligibilite.valide_par = user if user is not None and user.is_authenticated else eligibilite.valide_par
    eligibilite.commentaire = commentaire
    return _save(eligibilite, user=user)


@transaction.atomic
def eligibilite_delete(*, eligibilite: Eligibilite, user=None) -> None:
    record_author(eligibilite, user=user, reason="Suppression")
    eligibilite.delete()


@transaction.atomic
def mise_en_emploi_save(*, mise: MiseEnEmploi, user=None) -> MiseEnEmploi:
    return _save(mise, user=user)


# Hours -------------------------------------------------------------------------------------------

def premier_du_mois(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def heures_upsert(*, marche, entreprise, mois: datetime.date, modalite: str, participant=None, lot=None,
                  heures: Decimal | None = None, montant_ht: Decimal | None = None, type_contrat: str = "",
                  user=None) -> HeuresMensuelles:
    """Create or replace the month's hours on the key (contract, participant, company, month, modality):
    recording the same month twice replaces the value, never adds it."""
    mois = premier_du_mois(mois)
    row = HeuresMensuelles.objects.filter(marche=marche, participant=participant, entreprise=entreprise, mois=mois,
                                          modalite=modalite).first()
    if row is None:
        row = HeuresMensuelles(marche=marche, participant=participant, entreprise=entreprise, mois=mois,
                               modalite=modalite)
    row.lot = lot
    row.heures = heures if heures is not None else Decimal("0")
    row.montant_ht = montant_ht
    row.type_contrat = type_contrat or ""
    record_author(row, user=user)
    row.save()
    return row


@transaction.atomic
def heures_grille_save(*, marche, mois: datetime.date, lignes: list[dict], user=None) -> tuple[int, int]:
    """Save a month's grid: each line is a dict with participant (or None), entreprise, modalite, type_contrat,
    heures, montant_ht. Returns (created, updated). Lines with neither hours nor amount and no stored row are
    skipped; a stored row whose hours were erased is set to 0."""
    mois = premier_du_mois(mois)
    existing = {
        (h.participant_id, h.entreprise_id, h.modalite): h
        for h in HeuresMensuelles.objects.filter(marche=marche, mois=mois)
    }
    created = updated = 0
    for ligne in lignes:
        key = (ligne["participant"].pk if ligne.get("participant") else None, ligne["entreprise"].pk,
               ligne["modalite"])
        row = existing.get(key)
        heures, montant = ligne.get("heures"), ligne.get("montant_ht")
        if row is None and heures is None and montant is None:
            continue
        if row is None:
            row = HeuresMensuelles(marche=marche, participant=ligne.get("participant"), entreprise=ligne["entreprise"],
                                   mois=mois, modalite=ligne["modalite"])
            created += 1
        elif (row.heures, row.montant_ht, row.type_contrat) == (heures or Decimal("0"), montant,
                                                                 ligne.get("type_contrat") or ""):
            continue
        else:
            updated += 1
        row.heures = heures or Decimal("0")
        row.montant_ht = montant
        row.type_contrat = ligne.get("type_contrat") or ""
        record_author(row, user=user, reason="Grille mensuelle")
        row.save()
        existing[key] = row
    return created, updated


# Outcomes and next actions -------------------------------------------------------------------------

def suivi_6_mois_du(sortie: Sortie) -> datetime.date:
    """When the 6-month follow-up of an exit is due."""
    return add_months(sortie.date_sortie, 6)


@transaction.atomic
def sortie_save(*, sortie: Sortie, user=None) -> Sortie:
    return _save(sortie, user=user)


@transaction.atomic
def action_save(*, action: ActionSuivi, user=None) -> ActionSuivi:
    if action.faite and action.date_faite is None:
        action.date_faite = timezone.localdate()
    if not action.faite:
        action.date_faite = None
    return _save(action, user=user)


@transaction.atomic
def action_marquer_faite(*, action: ActionSuivi, user=None, faite: bool = True) -> ActionSuivi:
    action.faite = faite
    return action_save(action=action, user=user)


# Privacy -----------------------------------------------------------------------------------------

def participants_a_purger(*, today: datetime.date | None = None):
    """Participants with an identity whose last hours (or, with no hours, their creation) are older than
    settings.SPASER['RETENTION_IDENTITE_ANNEES'] years."""
    today = today or timezone.localdate()
    years = int(settings.SPASER["RETENTION_IDENTITE_ANNEES"])
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    qs = Participant.objects.filter(identite__isnull=False).annotate(derniere=Max("heures__mois"))
    cutoff_dt = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    from django.db.models import Q

    return qs.filter(Q(derniere__lt=cutoff) | Q(derniere__isnull=True, created_at__lt=cutoff_dt))


@transaction.atomic
def identites_purger(*, user=None, today: datetime.date | None = None, dry_run: bool = False) -> list[str]:
    """Delete the identities (names, contacts, their history copies) past the retention period; the
    pseudonymous participant, its hours, placements and outcomes stay for the anonymous figures.
    Returns the purged participants' codes."""
    participants = list(participants_a_purger(today=today).values_list("pk", "code"))
    ids = [pk for pk, _ in participants]
    codes = [code for _, code in participants]
    if dry_run or not ids:
        return codes
    IdentiteParticipant.objects.filter(participant_id__in=ids).delete()
    IdentiteParticipant.history.model.objects.filter(participant_id__in=ids).delete()
    # The free-text reasoned opinion of an eligibility may name the person: cleared too.
    Eligibilite.objects.filter(participant_id__in=ids).exclude(commentaire="").update(commentaire="")
    Eligibilite.history.model.objects.filter(participant_id__in=ids).exclude(commentaire="").update(commentaire="")
    JournalImport.objects.create(type=JournalImport.Type.PURGE, user=user if user and user.is_authenticated else None,
                                 nb_lignes=len(ids), nb_mis_a_jour=len(ids), details={"codes": codes[:1000]})
    return codes


# Uploaded import files waiting for confirmation -----------------------------------------------------

IMPORT_DIR = "imports_tmp"


def import_fichier_stocker(fichier) -> tuple[str, str]:
    """Keep an uploaded import file until the user confirms it; returns (token, storage path). Files never
    confirmed are removed after a day (they may hold participants' data)."""
    imports_abandonnes_purger()
    extension = os.path.splitext(fichier.name)[1].lower()
    token = uuid.uuid4().hex
    return token, default_storage.save(f"{IMPORT_DIR}/{token}{extension}", fichier)


def import_fichier_supprimer(path: str) -> None:
    default_storage.delete(path)


def imports_abandonnes_purger(max_age=datetime.timedelta(days=1)) -> None:
    try:
        _, files = default_storage.listdir(IMPORT_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    limite = timezone.now() - max_age
    for name in files:
        path = f"{IMPORT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limite:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
