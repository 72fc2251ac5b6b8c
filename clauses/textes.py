"""Placeholders of model clauses ({montant_ht}, {heures_requises}...) and their rendering in French formats."""

import re

from core.articles import avec_article
from core.templatetags.formats import format_euros, format_heures, format_pourcent

PLACEHOLDERS = {
    "montant_ht": "montant HT du marché (ou du lot)",
    "heures_requises": "heures d'insertion requises",
    "taux_insertion": "taux d'insertion",
    "part_main_oeuvre": "part de main-d'œuvre",
    "cout_horaire": "coût horaire chargé",
    "delai": "délai (par défaut, la durée du marché)",
    "acheteur": "nom de l'acheteur, avec son article (« désigné par {acheteur} » : « désigné par le Département "
                "des Landes », « de {acheteur} » : « du Département… »)",
    "objet": "objet du marché",
    "du_marche": "« du marché », ou « du lot n° … » pour une clause d'un lot",
}
_PATTERN = re.compile(r"\{([^{}\s]*)\}")
# A preposition before {acheteur} contracts with the name's article ("de le" -> "du").
_PREPOSITION_ACHETEUR = re.compile(r"(?<![\w'’])(de|d'|d’|à|par|pour|avec|sur|chez|envers|vers|entre)\s*\{acheteur\}",
                                   re.IGNORECASE)
_DEBUT_PHRASE = re.compile(r"(^|[.!?]\s+|\n\s*)$")
# What a clause of a lot says of its amount: "le montant du lot", not "du marché".
_MONTANT_DU_MARCHE = re.compile(r"\b(montant(?: HT)?(?: estimé)?) du marché\b")


def placeholders_utilises(texte: str) -> list[str]:
    return _PATTERN.findall(texte or "")


def placeholders_inconnus(texte: str) -> list[str]:
    """Names between braces that are not placeholders, in order of appearance, without duplicates."""
    seen = []
    for name in placeholders_utilises(texte):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def _majuscule_si_debut(texte: str, debut: int, valeur: str) -> str:
    return valeur[:1].upper() + valeur[1:] if _DEBUT_PHRASE.search(texte[:debut]) else valeur


def texte_rendu(texte: str, valeurs: dict) -> str:
    """Replace the known placeholders by their formatted value; a missing value shows as « [à compléter] ».
    The buyer's name takes its article, contracted with the preposition before it (core.articles); a clause of a
    lot (valeurs["lot"]) speaks of "le montant du lot"."""
    texte = texte or ""
    acheteur = valeurs.get("acheteur")
    if acheteur:
        def prepose(match):
            valeur = avec_article(acheteur, match.group(1))
            if match.group(1)[:1].isupper():
                valeur = valeur[:1].upper() + valeur[1:]
            return valeur

        texte = _PREPOSITION_ACHETEUR.sub(prepose, texte)
        texte = re.sub(r"\{acheteur\}", lambda m: _majuscule_si_debut(m.string, m.start(), avec_article(acheteur)),
                       texte)
    if valeurs.get("lot"):
        texte = _MONTANT_DU_MARCHE.sub(r"\1 du lot", texte)

    def replace(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = valeurs.get(name)
        return value if value not in (None, "", "—") else "[à compléter]"

    return _PATTERN.sub(replace, texte)


def valeurs_formatees(*, montant_ht=None, heures_requises=None, taux_insertion=None, part_main_oeuvre=None,
                      cout_horaire=None, delai="", acheteur="", objet="", lot: str = "") -> dict:
    """`lot`: "lot n° 2" for a clause of a lot, empty for the whole contract."""
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
        "lot": lot,
        "du_marche": f"du {lot}" if lot else "du marché",
    }
