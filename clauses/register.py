"""The clause columns of the contract register (import/export of marches), kept here so that the
register code in marches/ does not know how clauses are stored.

    COLUMNS                      the column names, in order
    export_values(marche_ids)    {marche_id: {column: value}} in one query
    parse(row)                   (values or None when all empty, [(column, reason), ...])
    apply(marche=, values=, user=)  write the parsed values on the contract
"""

from decimal import Decimal, InvalidOperation

from core.services import record_author

from .enums import TypeClause
from .models import ClauseMarche
from .services import clause_insertion_upsert, clause_parametres_effectifs, heures_requises_calcul

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
        if not value.is_finite():
            errors.append((column, f"« {raw} » n'est pas un nombre"))
        elif value > _MAXIMUM[column]:
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


# Considerations a register row may declare, and the clause kinds that would carry each of them.
_CONSIDERATIONS = {
    "critere_social": {TypeClause.CRITERE_SOCIAL},
    "marche_reserve": {TypeClause.RESERVE_EA_ESAT, TypeClause.RESERVE_SIAE, TypeClause.RESERVE_ESS},
    "clause_environnementale": {TypeClause.CONDITION_ENVIRONNEMENTALE},
    "critere_environnemental": {TypeClause.CRITERE_ENVIRONNEMENTAL},
}


def apply(*, marche, values: dict, user=None):
    """Write the insertion clause of a register row.

    - Parameters given: they are the clause's; `heures_requises` different from what they give is an override.
    - `heures_requises` alone: an override, unless it is exactly what the family defaults give (then the clause
      keeps following its family), so that an exported register imports back unchanged.
    - The row's other considerations (critère social, réservation, environnement) are kept when the contract
      has no clause of that kind: recording the insertion clause derives the considerations from the clauses,
      and those declared by the register must not be lost on the way in (they follow the clauses again as
      soon as a clause is added or removed in the application)."""
    params = {_PARAMS[c]: values.get(c) for c in _PARAMS}
    declared = {name: getattr(marche, name) for name in _CONSIDERATIONS}
    type_reservation = marche.type_reservation
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
    restored = [name for name, value in declared.items() if value and not (_CONSIDERATIONS[name] & present)]
    if restored:
        for name in restored:
            setattr(marche, name, True)
        if "marche_reserve" in restored:
            marche.type_reservation = type_reservation
        record_author(marche, user=user, reason="Considérations du registre sans clause enregistrée")
        marche.save()
    return clause
