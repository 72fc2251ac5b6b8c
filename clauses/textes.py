"""Placeholders of model clauses ({montant_ht}, {heures_requises}...) and their rendering in French formats."""

import re

from core.templatetags.formats import format_euros, format_heures, format_pourcent

PLACEHOLDERS = {
    "montant_ht": "montant HT du marché (ou du lot)",
    "heures_requises": "heures d'insertion requises",
    "taux_insertion": "taux d'insertion",
    "part_main_oeuvre": "part de main-d'œuvre",
    "cout_horaire": "coût horaire chargé",
    "delai": "délai (par défaut, la durée du marché)",
    "acheteur": "nom de l'acheteur",
    "objet": "objet du marché",
}
_PATTERN = re.compile(r"\{([^{}\s]*)\}")


def placeholders_utilises(texte: str) -> list[str]:
    return _PATTERN.findall(texte or "")


def placeholders_inconnus(texte: str) -> list[str]:
    """Names between braces that are not placeholders, in order of appearance, without duplicates."""
    seen = []
    for name in placeholders_utilises(texte):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def texte_rendu(texte: str, valeurs: dict) -> str:
    """Replace the known placeholders by their formatted value; a missing value shows as « [à compléter] »."""

    def replace(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = valeurs.get(name)
        return value if value not in (None, "", "—") else "[à compléter]"

    return _PATTERN.sub(replace, texte or "")


def valeurs_formatees(*, montant_ht=None, heures_requises=None, taux_insertion=None, part_main_oeuvre=None,
                      cout_horaire=None, delai="", acheteur="", objet="") -> dict:
    fmt = lambda f, v: f(v) if v is not None else None  # noqa: E731
    return {
        "montant_ht": fmt(format_euros, montant_ht),
        "heures_requises": fmt(format_heures, heures_requises),
        "taux_insertion": fmt(lambda v: format_pourcent(v, 0 if (v * 100) == int(v * 100) else 1), taux_insertion),
        "part_main_oeuvre": fmt(lambda v: format_pourcent(v, 0 if (v * 100) == int(v * 100) else 1),
                                part_main_oeuvre),
        "cout_horaire": fmt(format_euros, cout_horaire),
        "delai": delai,
        "acheteur": acheteur,
        "objet": objet,
    }
