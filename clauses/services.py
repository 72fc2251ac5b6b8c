"""Writes on clauses. The insertion-hours formula and the derivation of a contract's DECP
considerations from its clauses live here, and only here."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core.services import record_author

from .enums import ModeCalculHeures, TypeClause
from .models import ClauseMarche

RESERVATIONS = {
    TypeClause.RESERVE_EA_ESAT: "EA_ESAT",
    TypeClause.RESERVE_SIAE: "SIAE",
    TypeClause.RESERVE_ESS: "ESS",
}


def heures_requises_calcul(
    *,
    montant_ht: Decimal | None,
    part_main_oeuvre: Decimal | None = None,
    taux_insertion: Decimal | None = None,
    cout_horaire: Decimal | None = None,
    mode: str = ModeCalculHeures.TAUX,
    euros_par_heure: Decimal | None = None,
) -> Decimal:
    """montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire (or montant ÷ € per hour),
    rounded to the hour. 1 000 000 € × 0.5 × 0.05 ÷ 30 €/h = 833 h."""
    if not montant_ht:
        return Decimal("0")
    montant = Decimal(montant_ht)
    if mode == ModeCalculHeures.FORFAIT:
        if not euros_par_heure:
            return Decimal("0")
        heures = montant / Decimal(euros_par_heure)
    else:
        if not (part_main_oeuvre and taux_insertion and cout_horaire):
            return Decimal("0")
        heures = montant * Decimal(part_main_oeuvre) * Decimal(taux_insertion) / Decimal(cout_horaire)
    return heures.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def clause_parametres_effectifs(clause: ClauseMarche) -> dict:
    """The parameters used for the hours: the clause's own values, else its contract's family defaults."""
    famille = clause.marche.famille if clause.marche_id else None
    montant = clause.montant_base_ht
    if montant is None:
        montant = clause.lot.montant_ht if clause.lot_id and clause.lot.montant_ht is not None else clause.marche.montant_ht
    return {
        "montant_ht": montant,
        "part_main_oeuvre": clause.part_main_oeuvre if clause.part_main_oeuvre is not None
        else (famille.part_main_oeuvre if famille else None),
        "taux_insertion": clause.taux_insertion if clause.taux_insertion is not None
        else (famille.taux_insertion if famille else None),
        "cout_horaire": clause.cout_horaire if clause.cout_horaire is not None
        else (famille.cout_horaire if famille else None),
        "mode": clause.mode_calcul,
        "euros_par_heure": clause.euros_par_heure,
    }


def clause_heures_actualiser(clause: ClauseMarche) -> Decimal:
    """Set `heures_requises`: the forced value when one is given, otherwise the formula."""
    if clause.type_clause != TypeClause.INSERTION:
        clause.heures_requises = Decimal("0")
    elif clause.heures_forcees is not None:
        clause.heures_requises = Decimal(clause.heures_forcees)
    else:
        clause.heures_requises = heures_requises_calcul(**clause_parametres_effectifs(clause))
    return clause.heures_requises


def marche_considerations_sync(*, marche, user=None) -> None:
    """Derive the contract's DECP considerations from its clauses. A contract with no clause recorded
    (e.g. imported from DECP) keeps the considerations it was given."""
    types = set(marche.clauses.values_list("type_clause", flat=True))
    if not types:
        return
    marche.clause_sociale = TypeClause.INSERTION in types
    marche.critere_social = TypeClause.CRITERE_SOCIAL in types
    reserves = [RESERVATIONS[t] for t in RESERVATIONS if t in types]
    marche.marche_reserve = bool(reserves)
    marche.type_reservation = reserves[0] if reserves else ""
    marche.clause_environnementale = TypeClause.CONDITION_ENVIRONNEMENTALE in types
    marche.critere_environnemental = TypeClause.CRITERE_ENVIRONNEMENTAL in types
    record_author(marche, user=user, reason="Considérations déduites des clauses")
    marche.save()


@transaction.atomic
def clause_marche_save(*, clause: ClauseMarche, user=None, reason: str = "") -> ClauseMarche:
    clause_heures_actualiser(clause)
    record_author(clause, user=user, reason=reason)
    clause.save()
    marche_considerations_sync(marche=clause.marche, user=user)
    return clause


@transaction.atomic
def clause_marche_delete(*, clause: ClauseMarche, user=None) -> None:
    marche = clause.marche
    record_author(clause, user=user, reason="Suppression")
    clause.delete()
    marche_considerations_sync(marche=marche, user=user)


@transaction.atomic
def clause_insertion_upsert(
    *, marche, user=None, part_main_oeuvre=None, taux_insertion=None, cout_horaire=None, heures_forcees=None,
    reason: str = "",
) -> ClauseMarche:
    """Create or update the contract's (single, whole-contract) insertion clause from register columns."""
    clause = marche.clauses.filter(type_clause=TypeClause.INSERTION, lot__isnull=True).first()
    if clause is None:
        clause = ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION)
    clause.part_main_oeuvre = part_main_oeuvre
    clause.taux_insertion = taux_insertion
    clause.cout_horaire = cout_horaire
    clause.heures_forcees = heures_forcees
    if heures_forcees is not None and not clause.motif_derogation:
        clause.motif_derogation = reason or "Heures saisies dans le registre"
    return clause_marche_save(clause=clause, user=user, reason=reason)
