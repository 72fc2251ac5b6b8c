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
from .services import clause_insertion_upsert

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


def apply(*, marche, values: dict, user=None):
    params = {_PARAMS[c]: values.get(c) for c in _PARAMS}
    has_params = any(v is not None for v in params.values())
    forced = values.get("heures_requises") if not has_params else None
    return clause_insertion_upsert(marche=marche, user=user, heures_forcees=forced,
                                   reason="Import du registre", **params)
