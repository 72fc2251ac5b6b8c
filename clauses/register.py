"""The clause columns of the contract register (import/export of marches), kept here so that the
register code in marches/ does not know how clauses are stored.

    COLUMNS                      the column names, in order
    export_values(marche_ids)    {marche_id: {column: value}} in one query
    parse(row)                   (values or None when all empty, [(column, reason), ...])
    insertion_parametres(marche=, values=)  the insertion clause's parameters a parsed row gives (written by
                                 marches.services.registre_importer, which owns the contract's writes)

This module does not import marches (the dependency goes marches -> clauses).
"""

from decimal import Decimal, InvalidOperation

from core.utils import decimal_fr

from .enums import TypeClause
from .models import ClauseMarche
from .services import clause_parametres_effectifs, heures_requises_calculer

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


# What the columns hold (DECIMAL(8, 2) for the hourly cost, DECIMAL(12, 2) for hours).
_MAXIMUM = {"clause_insertion_part_main_oeuvre": Decimal("1000"), "clause_insertion_taux": Decimal("1000"),
            "clause_insertion_cout_horaire": Decimal("999999.99"), "heures_requises": Decimal("9999999999.99")}


def parse(row: dict):
    """Rates are decimals (0.05 for 5 %). `heures_requises` given without parameters is an override."""
    values, errors = {}, []
    for column in COLUMNS:
        raw = row.get(column)
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = decimal_fr(raw)
        except (InvalidOperation, ValueError):
            errors.append((column, f"« {raw} » n'est pas un nombre"))
            continue
        if value > _MAXIMUM[column]:
            errors.append((column, f"{raw} dépasse le maximum ({_MAXIMUM[column]})"))
        elif value < 0:
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


def insertion_parametres(*, marche, values: dict) -> dict:
    """The parameters of the contract's whole-contract insertion clause given by a register row.

    - Parameters given: they are the clause's; `heures_requises` different from what they give is an override.
    - `heures_requises` alone: an override, unless it is exactly what the family defaults give (then the clause
      keeps following its family), so that an exported register imports back unchanged.
    The row's considerations are the contract's declared ones (marches.services), not this clause's business."""
    params = {_PARAMS[c]: values.get(c) for c in _PARAMS}
    existing = marche.clauses.filter(type_clause=TypeClause.INSERTION, lot__isnull=True).first() if marche.pk \
        else None
    forced = None
    heures = values.get("heures_requises")
    if heures is not None:
        probe = ClauseMarche(marche=marche, type_clause=TypeClause.INSERTION, **params)
        if existing is not None:
            probe.mode_calcul, probe.euros_par_heure = existing.mode_calcul, existing.euros_par_heure
        if heures != heures_requises_calculer(**clause_parametres_effectifs(probe)):
            forced = heures
    return {**params, "heures_forcees": forced}
