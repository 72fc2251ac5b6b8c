"""Writes on conventions, participants, placements, hours, outcomes and next actions.
Each write is atomic and recorded by django-simple-history with its author (`auteur_noter`);
large imports (facilitateurs.imports) bulk-write and record themselves in core.ImportJournal."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.concurrence import version_verifier
from core.imports import (  # noqa: F401 - the uploads store lives in core.imports, kept importable here
    IMPORT_DIR,
    import_fichier_stocker,
    import_fichier_supprimer,
    imports_abandonnes_purger,
    journal_enregistrer,
)
from core.models import ImportJournal
from core.services import auteur_noter
from core.templatetags.formats import format_nombre
from core.utils import chunks as _chunks

from .models import (
    ActionSuivi,
    Convention,
    Eligibilite,
    HeuresMensuelles,
    IdentiteParticipant,
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
    auteur_noter(obj, user=user, reason=reason)
    obj.full_clean()
    obj.save()
    return obj


# Conventions -------------------------------------------------------------------------------------

@transaction.atomic
def convention_enregistrer(*, convention: Convention, user=None, marches=None, facilitateurs=None,
                    reason: str = "") -> Convention:
    _save(convention, user=user, reason=reason)
    if marches is not None:
        convention.marches.set(marches)
    if facilitateurs is not None:
        convention.facilitateurs.set(facilitateurs)
    return convention


# Participants ------------------------------------------------------------------------------------

@transaction.atomic
def participant_enregistrer(*, participant: Participant, user=None, identite: dict | None = None,
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


def identite_lecture_enregistrer(*, participant: Participant, user, motif: str = "consultation") -> LectureIdentite:
    """Record that `user` read `participant`'s identity (GDPR accountability)."""
    return LectureIdentite.objects.create(participant=participant, user=user if user and user.is_authenticated
                                          else None, motif=motif)


@transaction.atomic
def eligibilite_enregistrer(*, participant: Participant, public: str, date_verification: datetime.date, user=None,
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
def eligibilite_supprimer(*, eligibilite: Eligibilite, user=None) -> None:
    auteur_noter(eligibilite, user=user, reason="Suppression")
    eligibilite.delete()


@transaction.atomic
def mise_en_emploi_enregistrer(*, mise: MiseEnEmploi, user=None) -> MiseEnEmploi:
    return _save(mise, user=user)


# Hours -------------------------------------------------------------------------------------------

def premier_du_mois(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# Plausibility of hours: the one rule every entry path applies (grid form, import, heures_enregistrer) ---------

MOIS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
HEURES_MAX_EXPLICATION = "48 h par semaine, durée maximale légale, art. L3121-20 du Code du travail"


def heures_max_par_mois() -> Decimal:
    """settings.SPASER['HEURES_MAX_PAR_MOIS'] (default 208 = 48 h × 52 weeks ÷ 12 months)."""
    return Decimal(str(settings.SPASER["HEURES_MAX_PAR_MOIS"]))


def mois_libelle(mois: datetime.date) -> str:
    """01/03/2026 -> « mars 2026 »."""
    return f"{MOIS_FR[mois.month - 1]} {mois.year}"


def heures_libelle(value) -> str:
    """230 -> « 230 h », 208.5 -> « 208,50 h » (never rounded into a figure that would look allowed)."""

    value = Decimal(value)
    return f"{format_nombre(value, 0 if value == value.to_integral_value() else 2)}\u00a0h"


@dataclass(frozen=True)
class HeuresSaisies:
    """One hours row about to be written, as the plausibility rules see it. `entreprise_id` may be any
    hashable that cannot match a stored id (the import uses ("nouvelle", siret) for a company it will create);
    `ref` says where the row comes from (a file line, a grid row) and is echoed in the anomalies."""

    marche_id: int
    participant_id: int | None
    entreprise_id: object
    mois: datetime.date
    modalite: str
    heures: Decimal
    ref: object = None

    @property
    def cle(self) -> tuple:
        return (self.marche_id, self.participant_id, self.entreprise_id, self.mois, self.modalite)


@dataclass
class AnomalieHeures:
    refs: list  # the rows concerned, in entry order; report on the first
    colonne: str  # "heures" (monthly maximum) or "mois" (outside the placement)
    message: str  # starts with the participant's code
    participant_id: int | None = None


def mois_dans_emploi(mois: datetime.date, mises) -> bool:
    """Does the month (its first day) meet one of the placements (objects with date_debut, date_fin or None)?
    A placement starting on 20/03 or ending on 10/05 covers March or May."""
    fin_mois = add_months(mois, 1) - datetime.timedelta(days=1)
    return any(m.date_debut <= fin_mois and (m.date_fin is None or m.date_fin >= mois) for m in mises)


def mise_en_emploi_mois_hors(*, mise: MiseEnEmploi) -> list[datetime.date]:
    """The months with hours (> 0) recorded on the placement's key (participant, contract, company, modality)
    that no placement of that key would cover once `mise` is saved with its current, unsaved values: changing a
    placement's dates must not leave hours outside the employment (the rule heures_anomalies applies at entry)."""
    autres = list(MiseEnEmploi.objects.filter(
        participant_id=mise.participant_id, marche_id=mise.marche_id, entreprise_id=mise.entreprise_id,
        modalite=mise.modalite).exclude(pk=mise.pk))
    mois = HeuresMensuelles.objects.filter(
        participant_id=mise.participant_id, marche_id=mise.marche_id, entreprise_id=mise.entreprise_id,
        modalite=mise.modalite, heures__gt=0).values_list("mois", flat=True).distinct().order_by("mois")
    return [m for m in mois if not mois_dans_emploi(m, [*autres, mise])]


def heures_anomalies(lignes: list[HeuresSaisies]) -> list[AnomalieHeures]:
    """What is implausible in `lignes` once written over the stored hours (rows with the same key are replaced):

    1. a participant's hours in a month, all contracts, companies and modalities together (the stored rows
       not replaced plus these), above heures_max_par_mois();
    2. hours (> 0) in a month that does not meet the participant's placement (MiseEnEmploi) for the row's
       contract, company and modality: none before it starts or after it ends. A row with no such placement
       recorded is not checked (hours are often declared before the facilitator records the placement);
       training hours (modality FORMATION) have their own key, so they are checked only against a placement
       declared with that modality.

    Rows without a participant (sub- or co-contracting to an SIAE) are a company's total: not checked.
    Reads only; a few queries per 2,000 participants whatever the number of rows."""
    lignes = [ligne for ligne in lignes if ligne.participant_id is not None]
    if not lignes:
        return []
    maximum = heures_max_par_mois()
    cles = {ligne.cle for ligne in lignes}
    groupes: dict[tuple, list[HeuresSaisies]] = {}
    for ligne in lignes:
        groupes.setdefault((ligne.participant_id, ligne.mois), []).append(ligne)
    participant_ids = {p for p, _ in groupes}
    mois_set = {m for _, m in groupes}
    deja: dict[tuple, Decimal] = {}
    mises: dict[tuple, list] = {}
    for chunk in _chunks(participant_ids):
        for marche_id, participant_id, entreprise_id, mois, modalite, heures in HeuresMensuelles.objects.filter(
                participant_id__in=chunk, mois__in=mois_set).values_list(
                "marche_id", "participant_id", "entreprise_id", "mois", "modalite", "heures").order_by():
            if (marche_id, participant_id, entreprise_id, mois, modalite) not in cles:
                deja[(participant_id, mois)] = deja.get((participant_id, mois), Decimal("0")) + (heures or 0)
        for mise in MiseEnEmploi.objects.filter(participant_id__in=chunk).select_related("entreprise").order_by(
                "date_debut"):
            mises.setdefault((mise.marche_id, mise.participant_id, mise.entreprise_id, mise.modalite), []).append(mise)
    anomalies = []
    codes = {}
    for (participant_id, mois), groupe in groupes.items():
        saisies = sum((ligne.heures or Decimal("0") for ligne in groupe), Decimal("0"))
        total = saisies + deja.get((participant_id, mois), Decimal("0"))
        if total > maximum:
            autres = deja.get((participant_id, mois))
            detail = f" (dont {heures_libelle(autres)} déjà enregistrées sur d'autres relevés)" if autres else ""
            codes[participant_id] = None
            anomalies.append(AnomalieHeures(
                refs=[ligne.ref for ligne in groupe], colonne="heures", participant_id=participant_id,
                message=f"{heures_libelle(total)} déclarées pour {mois_libelle(mois)}{detail} : au plus "
                        f"{heures_libelle(maximum)} par personne et par mois ({HEURES_MAX_EXPLICATION})"))
    for ligne in lignes:
        periodes = mises.get((ligne.marche_id, ligne.participant_id, ligne.entreprise_id, ligne.modalite))
        if not periodes or not ligne.heures:
            continue
        if mois_dans_emploi(ligne.mois, periodes):
            continue
        dates = " ; ".join(
            f"du {m.date_debut:%d/%m/%Y} au {m.date_fin:%d/%m/%Y}" if m.date_fin else f"depuis le {m.date_debut:%d/%m/%Y}"
            for m in periodes)
        codes[ligne.participant_id] = None
        anomalies.append(AnomalieHeures(
            refs=[ligne.ref], colonne="mois", participant_id=ligne.participant_id,
            message=f"{heures_libelle(ligne.heures)} en {mois_libelle(ligne.mois)}, hors de la mise en emploi chez "
                    f"{periodes[0].entreprise} ({dates}) : aucune heure avant le début ni après la fin de l'emploi"))
    if codes:
        codes.update(Participant.objects.filter(pk__in=list(codes)).values_list("pk", "code"))
        for anomalie in anomalies:
            anomalie.message = f"{codes[anomalie.participant_id]} : {anomalie.message}"
    return anomalies


class HeuresInvraisemblables(ValidationError):
    """Raised by the hours services when heures_anomalies() finds something: forms and imports check first
    and show each anomaly where it belongs; this is the last guard of the rule."""


def heures_verifier(lignes: list[HeuresSaisies]) -> None:
    anomalies = heures_anomalies(lignes)
    if anomalies:
        raise HeuresInvraisemblables([a.message for a in anomalies])


@transaction.atomic
def heures_enregistrer(*, marche, entreprise, mois: datetime.date, modalite: str, participant=None, lot=None,
                  heures: Decimal | None = None, montant_ht: Decimal | None = None, type_contrat: str = "",
                  user=None) -> HeuresMensuelles:
    """Create or replace the month's hours on the key (contract, participant, company, month, modality):
    recording the same month twice replaces the value, never adds it."""
    mois = premier_du_mois(mois)
    heures_verifier([HeuresSaisies(marche_id=marche.pk, participant_id=participant.pk if participant else None,
                                   entreprise_id=entreprise.pk, mois=mois, modalite=modalite,
                                   heures=heures or Decimal("0"))])
    row = HeuresMensuelles.objects.filter(marche=marche, participant=participant, entreprise=entreprise, mois=mois,
                                          modalite=modalite).first()
    if row is None:
        row = HeuresMensuelles(marche=marche, participant=participant, entreprise=entreprise, mois=mois,
                               modalite=modalite)
    row.lot = lot
    row.heures = heures if heures is not None else Decimal("0")
    row.montant_ht = montant_ht
    row.type_contrat = type_contrat or ""
    auteur_noter(row, user=user)
    row.save()
    return row


@transaction.atomic
def heures_grille_enregistrer(*, marche, mois: datetime.date, lignes: list[dict], user=None) -> tuple[int, int]:
    """Save a month's grid: each line is a dict with participant (or None), entreprise, modalite, type_contrat,
    heures, montant_ht. Returns (created, updated). Lines with neither hours nor amount and no stored row are
    skipped; a stored row whose hours were erased is set to 0. HeuresInvraisemblables (nothing written) when the
    grid breaks the plausibility rule (heures_anomalies): the form checks it first (LigneHeuresFormSet)."""
    mois = premier_du_mois(mois)
    heures_verifier([
        HeuresSaisies(marche_id=marche.pk, participant_id=ligne["participant"].pk if ligne.get("participant") else None,
                      entreprise_id=ligne["entreprise"].pk, mois=mois, modalite=ligne["modalite"],
                      heures=ligne.get("heures") or Decimal("0"))
        for ligne in lignes])
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
        auteur_noter(row, user=user, reason="Grille mensuelle")
        row.save()
        existing[key] = row
    return created, updated


# Outcomes and next actions -------------------------------------------------------------------------

def suivi_6_mois_du(sortie: Sortie) -> datetime.date:
    """When the 6-month follow-up of an exit is due."""
    return add_months(sortie.date_sortie, 6)


@transaction.atomic
def sortie_enregistrer(*, sortie: Sortie, user=None) -> Sortie:
    return _save(sortie, user=user)


@transaction.atomic
def action_enregistrer(*, action: ActionSuivi, user=None) -> ActionSuivi:
    if action.faite and action.date_faite is None:
        action.date_faite = timezone.localdate()
    if not action.faite:
        action.date_faite = None
    return _save(action, user=user)


@transaction.atomic
def action_marquer_faite(*, action: ActionSuivi, user=None, faite: bool = True) -> ActionSuivi:
    action.faite = faite
    return action_enregistrer(action=action, user=user)


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
    journal_enregistrer(format=ImportJournal.Format.PURGE, fichier="", user=user, nb_lus=len(ids),
                        nb_modifies=len(ids), rapport={"codes": codes[:1000]})
    return codes
