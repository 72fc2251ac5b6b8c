"""Figures of the indicator engine (bilans.selectors.indicateurs_annuels) a SPASER indicator can be bound to.

Each figure key maps to a function of the engine's dict for one buyer and one year. Values are plain
numbers (Decimal or int) or None when the engine has nothing to divide by or does not provide the
figure: an indicator then reads "non mesuré" rather than a misleading 0.

Shares are ratios in [0, 1] (0.3 = 30 %), to be displayed with `format_pourcent`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .enums import Unite


@dataclass(frozen=True)
class Figure:
    key: str
    libelle: str
    unite: str
    compute: Callable[[dict], object]
    groupe: str = ""


def _dig(data: dict, *path):
    value = data
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _num(value):
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return value
    try:
        return Decimal(str(value))
    except Exception:  # noqa: BLE001 - the engine's dict is not ours; an unreadable value is "not measured"
        return None


def _ratio(numerateur, denominateur):
    numerateur, denominateur = _num(numerateur), _num(denominateur)
    if numerateur is None or not denominateur:
        return None
    return Decimal(numerateur) / Decimal(denominateur)


def _valeur(*path):
    return lambda data: _num(_dig(data, *path))


def _part(bloc: str, mesure: str):
    """Share of the notified contracts (in number or in value) that fall in `bloc`."""
    return lambda data: _ratio(_dig(data, bloc, mesure), _dig(data, "marches_notifies", mesure))


def _part_achats(*blocs: str, mesure: str):
    """Share of notified value going to companies of a kind (several engine blocks summed)."""

    def compute(data):
        valeurs = [_num(_dig(data, bloc, mesure)) for bloc in blocs]
        valeurs = [v for v in valeurs if v is not None]
        if not valeurs:
            return None
        return _ratio(sum(valeurs), _dig(data, "marches_notifies", mesure))

    return compute


def _somme(*blocs: str, mesure: str):
    def compute(data):
        valeurs = [_num(_dig(data, bloc, mesure)) for bloc in blocs]
        valeurs = [v for v in valeurs if v is not None]
        return sum(valeurs) if valeurs else None

    return compute


_FIGURES = [
    # Contracts notified in the year
    Figure("marches_notifies_nombre", "Marchés notifiés (nombre)", Unite.NOMBRE,
           _valeur("marches_notifies", "nombre"), "Marchés"),
    Figure("marches_notifies_montant", "Marchés notifiés (montant HT)", Unite.EUROS,
           _valeur("marches_notifies", "montant_ht"), "Marchés"),
    # Social consideration (clause, criterion or reserved contract)
    Figure("marches_consideration_sociale_nombre", "Marchés avec une considération sociale (nombre)", Unite.NOMBRE,
           _valeur("marches_consideration_sociale", "nombre"), "Social"),
    Figure("marches_consideration_sociale_montant", "Marchés avec une considération sociale (montant HT)",
           Unite.EUROS, _valeur("marches_consideration_sociale", "montant_ht"), "Social"),
    Figure("part_marches_consideration_sociale_nombre", "Part des marchés avec une considération sociale (en nombre)",
           Unite.POURCENT, _part("marches_consideration_sociale", "nombre"), "Social"),
    Figure("part_marches_consideration_sociale_montant",
           "Part des marchés avec une considération sociale (en valeur)", Unite.POURCENT,
           _part("marches_consideration_sociale", "montant_ht"), "Social"),
    Figure("marches_clause_insertion_nombre", "Marchés avec une clause d'insertion (nombre)", Unite.NOMBRE,
           _valeur("marches_clause_insertion", "nombre"), "Social"),
    Figure("part_marches_clause_insertion_nombre", "Part des marchés avec une clause d'insertion (en nombre)",
           Unite.POURCENT, _part("marches_clause_insertion", "nombre"), "Social"),
    Figure("part_marches_clause_insertion_montant", "Part des marchés avec une clause d'insertion (en valeur)",
           Unite.POURCENT, _part("marches_clause_insertion", "montant_ht"), "Social"),
    Figure("heures_requises", "Heures d'insertion requises", Unite.HEURES, _valeur("heures_requises"), "Social"),
    Figure("heures_realisees", "Heures d'insertion réalisées", Unite.HEURES, _valeur("heures_realisees"), "Social"),
    # Realised over required hours of the SAME contracts (in execution in the year), and against the expected
    # pace: bilans.definitions holds their written definitions.
    Figure("taux_realisation_heures", "Taux de réalisation des heures d'insertion", Unite.POURCENT,
           lambda d: _ratio(_dig(d, "realisation", "heures_realisees"), _dig(d, "realisation", "heures_requises")),
           "Social"),
    Figure("rythme_realisation_heures", "Rythme de réalisation des heures d'insertion (réalisées / attendues)",
           Unite.POURCENT, lambda d: _ratio(_dig(d, "realisation", "heures_realisees_rythme"),
                                            _dig(d, "realisation", "heures_attendues")), "Social"),
    Figure("participants", "Personnes en insertion (distinctes)", Unite.NOMBRE, _valeur("participants"), "Social"),
    # Environmental consideration
    Figure("marches_consideration_environnementale_nombre",
           "Marchés avec une considération environnementale (nombre)", Unite.NOMBRE,
           _valeur("marches_consideration_environnementale", "nombre"), "Environnement"),
    Figure("marches_consideration_environnementale_montant",
           "Marchés avec une considération environnementale (montant HT)", Unite.EUROS,
           _valeur("marches_consideration_environnementale", "montant_ht"), "Environnement"),
    Figure("part_marches_consideration_environnementale_nombre",
           "Part des marchés avec une considération environnementale (en nombre)", Unite.POURCENT,
           _part("marches_consideration_environnementale", "nombre"), "Environnement"),
    Figure("part_marches_consideration_environnementale_montant",
           "Part des marchés avec une considération environnementale (en valeur)", Unite.POURCENT,
           _part("marches_consideration_environnementale", "montant_ht"), "Environnement"),
    # Companies and the ESS
    Figure("entreprises", "Entreprises bénéficiaires (distinctes)", Unite.NOMBRE, _valeur("entreprises"), "ESS"),
    Figure("entreprises_locales_part", "Part des entreprises implantées dans le département", Unite.POURCENT,
           _valeur("entreprises_locales_part"), "ESS"),
    Figure("achats_siae_montant", "Achats auprès des SIAE (montant HT)", Unite.EUROS,
           _valeur("achats_siae", "montant_ht"), "ESS"),
    Figure("achats_siae_nombre", "Marchés attribués à des SIAE (nombre)", Unite.NOMBRE,
           _valeur("achats_siae", "nombre"), "ESS"),
    Figure("achats_handicap_montant", "Achats auprès des EA et ESAT (montant HT)", Unite.EUROS,
           _valeur("achats_ea_esat", "montant_ht"), "ESS"),
    Figure("achats_ess_montant", "Achats auprès des entreprises ESUS et de l'ESS (montant HT)", Unite.EUROS,
           _valeur("achats_ess", "montant_ht"), "ESS"),
    Figure("achats_inclusifs_montant", "Achats auprès des SIAE, EA et ESAT (montant HT)", Unite.EUROS,
           _somme("achats_siae", "achats_ea_esat", mesure="montant_ht"), "ESS"),
    Figure("part_achats_inclusifs_montant", "Part des achats auprès des SIAE, EA et ESAT (en valeur)",
           Unite.POURCENT, _part_achats("achats_siae", "achats_ea_esat", mesure="montant_ht"), "ESS"),
    Figure("part_achats_ess_montant", "Part des achats auprès de l'ESS (en valeur)", Unite.POURCENT,
           _part_achats("achats_ess", mesure="montant_ht"), "ESS"),
]

FIGURES: dict[str, Figure] = {figure.key: figure for figure in _FIGURES}


def figure_choices():
    return [(figure.key, f"{figure.groupe} — {figure.libelle}") for figure in _FIGURES]


def figure_value(key: str, data: dict | None):
    """The value of one figure for the engine's dict of one buyer and one year (None if not measurable)."""
    figure = FIGURES.get(key)
    if figure is None or not data:
        return None
    try:
        return figure.compute(data)
    except (ArithmeticError, TypeError, ValueError):
        return None
