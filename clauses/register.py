"""The clause columns of the contract register (import/export of marches), kept here so that the
register code in marches/ does not know how clauses are stored.

    COLUMNS                      the column names, in order
    export_values(marche_ids)    {marche_id: {column: value}} in one query
    parse(row)                   (values or None when all empty, [(column, reason), ...])
    apply(marche=, values=, user=)  write the parsed values on the contract
"""

from decimal import Decimal, InvalidOperation

from .enums import TypeClause
from .models import ClauseMarche
from .services import (
    clause_insertion_upsert,
    clause_marche_save,
    clause_parametres_effectifs,
    heures_requises_calcul,
)

COLUMNS = [
    "clause_insertion_part_main_oeuvre",
    "clause_insertion_taux",
    "clause_insertion_cout_horaire",
    "heures_requises",
]
_PARAMS = {
    "clause_insertion_part_main_oeuvre": "part_main_oeuvre",
    "clause_insertion_taux": "taux_insertion",
    "clause_insertion_cout_horaire": "cout_horaire",
}


def export_values(marche_ids) -> dict:
    rows = (
        ClauseMarche.objects.filter(marche_id__in=list(marche_ids), type_clause=TypeClause.INSERTION, lot__isnull=True)
        .values("marche_id", "part_main_oeuvre", "taux_insertion", "cout_horaire", "heures_requises")
    )
    return {
        row["marche_id"]: {
            "clause_insertion_part_main_oeuvre": row["part_main_oeuvre"],
            "clause_insertion_taux": row["taux_insertion"],
            "clause_insertion_cout_horaire": row["cout_horaire"],
            "heures_requises": row["heures_requises"],
        }
        for row in rows
    }


def _decimal(text):
    return Decimal(str(text).strip().replace("\u202f", "").replace(" ", "").replace(",", "."))


def parse(row: dict):
    """Rates are decimals (0.05 for 5 %). `heures_requises` given without parameters is an override."""
    values, errors = {}, []
    for column in COLUMNS:
        raw = row.get(column)
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = _decimal(raw)
        except (InvalidOperation, ValueError):
            errors.append((column, f"« {raw} » n'est pas un nombre"))
            continue
        if value < 0:
            errors.append((column, "la valeur doit être positive"))
        elif column in ("clause_insertion_part_main_oeuvre", "clause_insertion_taux") and value > 1:
            errors.append((column, f"un taux s'écrit en décimal (0,05 pour 5 %), pas {raw}"))
        elif column == "clause_insertion_cout_horaire" and value == 0:
            errors.append((column, "le coût horaire ne peut pas être nul"))
        else:
            values[column] = value
    if errors or not values:
        return None, errors
    return values, []


DECLAREE = "Déclarée dans le registre importé (texte de la clause non fourni)."


def _declared_types(marche) -> list[str]:
    """Clause kinds that the contract's considerations (set from the register row) stand for."""
    types = []
    if marche.critere_social:
        types.append(TypeClause.CRITERE_SOCIAL)
    if marche.marche_reserve:
        reserve = {"EA_ESAT": TypeClause.RESERVE_EA_ESAT, "SIAE": TypeClause.RESERVE_SIAE,
                   "ESS": TypeClause.RESERVE_ESS}.get(marche.type_reservation)
        if reserve:
            types.append(reserve)
    if marche.clause_environnementale:
        types.append(TypeClause.CONDITION_ENVIRONNEMENTALE)
    if marche.critere_environnemental:
        types.append(TypeClause.CRITERE_ENVIRONNEMENTAL)
    return types


def apply(*, marche, values: dict, user=None):
    """Write the insertion clause of a register row.

    - Parameters given: they are the clause's; `heures_requises` different from what they give is an override.
    - `heures_requises` alone: an override, unless it is exactly what the family defaults give (then the clause
      keeps following its family), so that an exported register imports back unchanged.
    - The row's other considerations (critère social, réservation, environnement) become clauses declared in
      the register when the contract has none of that kind: the considerations are derived from the clauses
      once one is recorded, and they must not be lost on the way in."""
    params = {_PARAMS[c]: values.get(c) for c in _PARAMS}
    declared = _declared_types(marche)
    existing = marche.clauses.filter(type_clause=TypeClause.INSERTION, lot__isnull=True).first()
    forced = None
    heures = values.get("heures_requises")
    if heures is not None:
        probe = ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION, **params)
        if existing is not None:
            probe.mode_calcul, probe.euros_par_heure = existing.mode_calcul, existing.euros_par_heure
        if heures != heures_requises_calcul(**clause_parametres_effectifs(probe)):
            forced = heures
    clause = clause_insertion_upsert(marche=marche, user=user, heures_forcees=forced,
                                     reason="Import du registre", **params)
    present = set(marche.clauses.values_list("type_clause", flat=True))
    for type_clause in declared:
        if type_clause not in present:
            clause_marche_save(clause=ClauseMarche(marche=marche, type_clause=type_clause, texte=DECLAREE),
                               user=user, reason="Import du registre")
    return clause
