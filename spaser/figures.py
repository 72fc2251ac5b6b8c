"""Figures of the indicator engine (bilans.selectors.indicateurs_annuels) a SPASER indicator can be bound to.

Each figure key maps to a function of the engine's typed result (bilans.resultats.Indicateurs) for one buyer and
one year, read by attribute. Values are plain numbers (Decimal or int) or None when the engine has nothing to
divide by or does not provide the figure: an indicator then reads "non mesuré" rather than a misleading 0.
Each figure's written definition is bilans.definitions.DEFINITIONS[key] (`Figure.definition`).

Shares are ratios in [0, 1] (0.3 = 30 %), to be displayed with `format_pourcent`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from bilans.definitions import DEFINITIONS, Definition

from .enums import Unite


@dataclass(frozen=True)
class Figure:
    key: str
    libelle: str
    unite: str
    compute: Callable[[object], object]
    groupe: str = ""

    @property
    def definition(self) -> Definition | None:
        return DEFINITIONS.get(self.key)


def _num(value):
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return value
    try:
        return Decimal(str(value))
    except Exception:  # noqa: BLE001 - an unreadable value is "not measured"
        return None


def _ratio(numerateur, denominateur):
    numerateur, denominateur = _num(numerateur), _num(denominateur)
    if numerateur is None or not denominateur:
        return None
    return Decimal(numerateur) / Decimal(denominateur)


def _valeur(lire: Callable):
    return lambda data: _num(lire(data))


def _part(lire: Callable, mesure: str):
    """Share of the notified contracts (in number or in value) that fall in the block `lire` reads."""
    return lambda data: _ratio(getattr(lire(data), mesure), getattr(data.marches_notifies, mesure))


def _montants(data, *lires) -> list:
    """The amounts of the blocks read, those the engine provides (a None block: not provided)."""
    valeurs = [lire(data) for lire in lires]
    return [_num(bloc.montant_ht) for bloc in valeurs if bloc is not None and _num(bloc.montant_ht) is not None]


def _part_achats(*lires: Callable):
    """Share of notified value going to companies of a kind (several engine blocks summed)."""

    def compute(data):
        valeurs = _montants(data, *lires)
        return _ratio(sum(valeurs), data.marches_notifies.montant_ht) if valeurs else None

    return compute


def _somme(*lires: Callable):
    def compute(data):
        valeurs = _montants(data, *lires)
        return sum(valeurs) if valeurs else None

    return compute


def _sociale(d):
    return d.marches_consideration_sociale


def _environnementale(d):
    return d.marches_consideration_environnementale


def _insertion(d):
    return d.marches_clause_insertion


def _siae(d):
    return d.achats_siae


def _ea_esat(d):
    return d.achats_ea_esat


def _ess(d):
    return d.achats_ess


_FIGURES = [
    # Contracts notified in the year
    Figure("marches_notifies_nombre", "Marchés notifiés (nombre)", Unite.NOMBRE,
           _valeur(lambda d: d.marches_notifies.nombre), "Marchés"),
    Figure("marches_notifies_montant", "Marchés notifiés (montant HT)", Unite.EUROS,
           _valeur(lambda d: d.marches_notifies.montant_ht), "Marchés"),
    # Social consideration (clause, criterion or reserved contract)
    Figure("marches_consideration_sociale_nombre", "Marchés avec une considération sociale (nombre)", Unite.NOMBRE,
           _valeur(lambda d: d.marches_consideration_sociale.nombre), "Social"),
    Figure("marches_consideration_sociale_montant", "Marchés avec une considération sociale (montant HT)",
           Unite.EUROS, _valeur(lambda d: d.marches_consideration_sociale.montant_ht), "Social"),
    Figure("part_marches_consideration_sociale_nombre", "Part des marchés avec une considération sociale (en nombre)",
           Unite.POURCENT, _part(_sociale, "nombre"), "Social"),
    Figure("part_marches_consideration_sociale_montant",
           "Part des marchés avec une considération sociale (en valeur)", Unite.POURCENT,
           _part(_sociale, "montant_ht"), "Social"),
    Figure("marches_clause_insertion_nombre", "Marchés avec une clause d'insertion (nombre)", Unite.NOMBRE,
           _valeur(lambda d: d.marches_clause_insertion.nombre), "Social"),
    Figure("part_marches_clause_insertion_nombre", "Part des marchés avec une clause d'insertion (en nombre)",
           Unite.POURCENT, _part(_insertion, "nombre"), "Social"),
    Figure("part_marches_clause_insertion_montant", "Part des marchés avec une clause d'insertion (en valeur)",
           Unite.POURCENT, _part(_insertion, "montant_ht"), "Social"),
    Figure("heures_requises", "Heures d'insertion requises", Unite.HEURES, _valeur(lambda d: d.heures_requises), "Social"),
    Figure("heures_realisees", "Heures d'insertion réalisées", Unite.HEURES, _valeur(lambda d: d.heures_realisees), "Social"),
    # Realised over required hours of the SAME contracts (in execution in the year), and against the expected
    # pace: bilans.definitions holds their written definitions.
    Figure("taux_realisation_heures", "Taux de réalisation des heures d'insertion", Unite.POURCENT,
           lambda d: _ratio(d.realisation.heures_realisees, d.realisation.heures_requises),
           "Social"),
    Figure("rythme_realisation_heures", "Rythme de réalisation des heures d'insertion (réalisées / attendues)",
           Unite.POURCENT, lambda d: _ratio(d.realisation.heures_realisees_rythme,
                                            d.realisation.heures_attendues), "Social"),
    Figure("participants", "Personnes en insertion (distinctes)", Unite.NOMBRE, _valeur(lambda d: d.participants), "Social"),
    # Environmental consideration
    Figure("marches_consideration_environnementale_nombre",
           "Marchés avec une considération environnementale (nombre)", Unite.NOMBRE,
           _valeur(lambda d: d.marches_consideration_environnementale.nombre), "Environnement"),
    Figure("marches_consideration_environnementale_montant",
           "Marchés avec une considération environnementale (montant HT)", Unite.EUROS,
           _valeur(lambda d: d.marches_consideration_environnementale.montant_ht), "Environnement"),
    Figure("part_marches_consideration_environnementale_nombre",
           "Part des marchés avec une considération environnementale (en nombre)", Unite.POURCENT,
           _part(_environnementale, "nombre"), "Environnement"),
    Figure("part_marches_consideration_environnementale_montant",
           "Part des marchés avec une considération environnementale (en valeur)", Unite.POURCENT,
           _part(_environnementale, "montant_ht"), "Environnement"),
    # Companies and the ESS
    Figure("entreprises", "Entreprises bénéficiaires (distinctes)", Unite.NOMBRE, _valeur(lambda d: d.entreprises), "ESS"),
    Figure("entreprises_locales_part", "Part des entreprises implantées dans le département", Unite.POURCENT,
           _valeur(lambda d: d.entreprises_locales_part), "ESS"),
    Figure("achats_siae_montant", "Achats auprès des SIAE (montant HT)", Unite.EUROS,
           _valeur(lambda d: d.achats_siae.montant_ht), "ESS"),
    Figure("achats_siae_nombre", "Marchés attribués à des SIAE (nombre)", Unite.NOMBRE,
           _valeur(lambda d: d.achats_siae.nombre), "ESS"),
    Figure("achats_handicap_montant", "Achats auprès des EA et ESAT (montant HT)", Unite.EUROS,
           _valeur(lambda d: d.achats_ea_esat.montant_ht), "ESS"),
    Figure("achats_ess_montant", "Achats auprès des entreprises ESUS et de l'ESS (montant HT)", Unite.EUROS,
           _valeur(lambda d: d.achats_ess.montant_ht), "ESS"),
    Figure("achats_inclusifs_montant", "Achats auprès des SIAE, EA et ESAT (montant HT)", Unite.EUROS,
           _somme(_siae, _ea_esat), "ESS"),
    Figure("part_achats_inclusifs_montant", "Part des achats auprès des SIAE, EA et ESAT (en valeur)",
           Unite.POURCENT, _part_achats(_siae, _ea_esat), "ESS"),
    Figure("part_achats_ess_montant", "Part des achats auprès de l'ESS (en valeur)", Unite.POURCENT,
           _part_achats(_ess), "ESS"),
]


def _examens(lire: Callable):
    """A figure of the examinations before launch (None when the engine did not provide them)."""
    return lambda data: None if data.examens is None else _num(lire(data.examens))


_FIGURES += [
    # Examinations before launch (examens.selectors.examens_chiffres through the engine)
    Figure("examens_part_examines", "Part des marchés examinés avant leur lancement", Unite.POURCENT,
           _examens(lambda e: e.part_examines), "Examens"),
    Figure("examens_part_proposes", "Part des examens où une clause sociale a été proposée", Unite.POURCENT,
           _examens(lambda e: e.part_proposes), "Examens"),
    Figure("examens_part_retenus", "Part des examens où une clause sociale a été retenue", Unite.POURCENT,
           _examens(lambda e: e.part_retenus), "Examens"),
    Figure("examens_delai_decision", "Délai moyen de l'ouverture à la décision (jours)", Unite.NOMBRE,
           _examens(lambda e: e.delai_moyen_jours), "Examens"),
]

FIGURES: dict[str, Figure] = {figure.key: figure for figure in _FIGURES}


def figure_choices():
    return [(figure.key, f"{figure.groupe} — {figure.libelle}") for figure in _FIGURES]


def figure_value(key: str, data):
    """The value of one figure for the engine's result of one buyer and one year (None if not measurable: no
    result, a block the engine did not provide, nothing to divide by)."""
    figure = FIGURES.get(key)
    if figure is None or data is None:
        return None
    try:
        return figure.compute(data)
    except (ArithmeticError, AttributeError, TypeError, ValueError):
        return None
