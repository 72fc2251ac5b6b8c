"""Each indicator's target against what the data says, for one buyer and one year.

The rule (shown to users on the evaluation page):

1. **Target of the year.** The target entered for that year; without one, the linear interpolation between
   the surrounding known points (the baseline and the yearly targets); after the last target, that target
   still holds; before any point, or with no target at all, the indicator is "sans cible".
2. **Status** (for an indicator where higher is better; mirrored when lower is better):
   - *atteint* when the actual value reaches the year's target;
   - *en bonne voie* when it has covered at least `SEUIL_BONNE_VOIE` (75 %) of the way from the baseline to
     the year's target;
   - *en retard* otherwise (and whenever there is no baseline to measure the way covered);
   - *non mesuré* when there is no actual value (no data in the engine for that buyer and year, or no
     value entered by hand).
3. **Gap** = actual − target of the year (in the indicator's unit).

Actual values come from the indicator engine of the bilans (`bilans.selectors.indicateurs_annuels`) through
the figure the indicator is bound to (spaser.figures), or from the values entered by hand per buyer and year.
The functions below take the engine's typed results (bilans.resultats.Indicateurs) as input, so the rule is
testable without a database.
"""

from decimal import Decimal

from django.conf import settings

from bilans.resultats import Indicateurs

from .enums import Sens, StatutEvaluation
from .figures import figure_value

SEUIL_BONNE_VOIE = Decimal(str(getattr(settings, "SPASER", {}).get("SEUIL_BONNE_VOIE", "0.75")))


def _d(value):
    return None if value is None else Decimal(str(value))


def cible_de_l_annee(*, annee: int, cibles: dict, annee_reference=None, valeur_reference=None):
    """The target for `annee` (explicit, interpolated or carried over), or None."""
    cibles = {int(a): _d(v) for a, v in cibles.items() if v is not None}
    if annee in cibles:
        return cibles[annee]
    if not cibles:
        return None
    points = dict(cibles)
    if annee_reference is not None and valeur_reference is not None and int(annee_reference) not in points:
        points[int(annee_reference)] = _d(valeur_reference)
    annees = sorted(points)
    if annee > annees[-1]:
        return points[annees[-1]]
    if annee < annees[0]:
        return None
    for gauche, droite in zip(annees, annees[1:], strict=False):
        if gauche < annee < droite:
            pente = (points[droite] - points[gauche]) / Decimal(droite - gauche)
            return points[gauche] + pente * Decimal(annee - gauche)
    return None


def statut(*, reel, cible, reference=None, sens: str = Sens.HAUSSE) -> dict:
    """Status, gap and way covered of one actual value against one target."""
    reel, cible, reference = _d(reel), _d(cible), _d(reference)
    if cible is None:
        return {"statut": StatutEvaluation.SANS_CIBLE, "ecart": None, "progression": None}
    if reel is None:
        return {"statut": StatutEvaluation.NON_MESURE, "ecart": None, "progression": None}
    ecart = reel - cible
    signe = Decimal(-1) if sens == Sens.BAISSE else Decimal(1)
    progression = None
    if reference is not None and cible != reference:
        progression = (reel - reference) / (cible - reference)
    if signe * ecart >= 0:
        resultat = StatutEvaluation.ATTEINT
    elif progression is not None and progression >= SEUIL_BONNE_VOIE:
        resultat = StatutEvaluation.BONNE_VOIE
    else:
        resultat = StatutEvaluation.RETARD
    return {"statut": resultat, "ecart": ecart, "progression": progression}


def valeur_reelle(indicateur, *, acheteur_id: int, annee: int, figures: Indicateurs | None,
                  valeurs_manuelles: dict):
    """The actual value: from the engine's result (`figures`) for a computed indicator, else the value entered."""
    if indicateur.est_calcule:
        return figure_value(indicateur.figure, figures)
    ligne = valeurs_manuelles.get((indicateur.pk, acheteur_id, annee))
    return ligne.valeur if ligne is not None else None


def evaluer_indicateur(indicateur, *, acheteur_id: int, annee: int, figures: Indicateurs | None,
                       valeurs_manuelles: dict | None = None, cibles: dict | None = None) -> dict:
    """One row of the evaluation: target of the year, actual, gap, status."""
    if cibles is None:
        cibles = {c.annee: c.valeur for c in indicateur.cibles.all()}
    cible = cible_de_l_annee(annee=annee, cibles=cibles, annee_reference=indicateur.annee_reference,
                             valeur_reference=indicateur.valeur_reference)
    reel = valeur_reelle(indicateur, acheteur_id=acheteur_id, annee=annee, figures=figures,
                         valeurs_manuelles=valeurs_manuelles or {})
    resultat = statut(reel=reel, cible=cible, reference=indicateur.valeur_reference, sens=indicateur.sens)
    return {
        "indicateur": indicateur, "annee": annee, "cible": cible, "cible_saisie": annee in cibles,
        "reel": _d(reel), **resultat, "statut_libelle": StatutEvaluation(resultat["statut"]).label,
    }
