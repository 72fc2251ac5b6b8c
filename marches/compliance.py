"""Legal compliance of a contract with the obligations of 21 August 2026 (domain.md §2).

`conformite_evaluer(marche, seuils)` is a pure function: it reads the contract's fields and a list of
EU thresholds (objects or dicts with type_seuil, date_debut, date_fin, montant_ht) and returns
(statut, manquements). No database access, so it runs on unsaved objects and in bulk imports.

Rules, for consultations launched (date_lancement, else date_notification) on or after DATE_OBLIGATIONS,
defence and security contracts excluded:
- L2112-2: an environmental execution condition (clause_environnementale);
- L2152-7: an environmental award criterion (critere_environnemental);
- L2112-2-1: at or above the EU threshold in force at launch for the contract's type (estimated value,
  else notified amount), a social execution condition (clause_sociale), unless a waiver with a written
  justification is recorded.
Before that date the status is NON_SOUMIS but `manquements` still lists what the contract would lack.

Threshold type of a contract (`type_seuil_pour`): works (CCAG Travaux, CPV 45…, works concessions and
every concession) → "travaux"; everything else → supplies/services of the buyer's kind, by default
"fcs_collectivites" (local authorities: the Département and its partners). Override with the Django
setting MARCHES_TYPE_SEUIL_FCS (e.g. "fcs_etat", "entites_adjudicatrices") if an instance serves
another kind of buyer.
"""

import datetime
from decimal import Decimal

from django.conf import settings

from .enums import CCAG, Categorie, Nature, StatutConformite

DATE_OBLIGATIONS = datetime.date(2026, 8, 21)

MANQUE_ENV_CONDITION = "Condition d'exécution environnementale absente (L2112-2)"
MANQUE_ENV_CRITERE = "Critère d'attribution environnemental absent (L2152-7)"
MANQUE_SOCIALE = "Condition d'exécution sociale absente alors que la valeur atteint le seuil européen (L2112-2-1)"
MANQUE_JUSTIFICATION = "Dérogation à la condition sociale sans justification écrite (L2112-2-1)"
MANQUE_DATE = "Date de lancement de la consultation et date de notification inconnues : obligations non vérifiables"
MANQUE_VALEUR = "Valeur estimée et montant inconnus : seuil européen non vérifiable (L2112-2-1)"
MANQUE_SEUIL = "Aucun seuil européen enregistré pour la date de lancement : seuil non vérifiable"


def type_seuil_pour(marche) -> str:
    if (
        marche.categorie == Categorie.CONCESSION
        or marche.nature in (Nature.CONCESSION_TRAVAUX,)
        or marche.ccag == CCAG.TRAVAUX
        or (marche.code_cpv or "").startswith("45")
    ):
        return "travaux"
    return getattr(settings, "MARCHES_TYPE_SEUIL_FCS", "fcs_collectivites")


def _get(obj, name):
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def seuil_en_vigueur(seuils, type_seuil: str, date: datetime.date):
    """The threshold amount in force on `date`; failing that the latest one started before it."""
    candidats = [s for s in seuils if _get(s, "type_seuil") == type_seuil and _get(s, "date_debut") <= date]
    en_vigueur = [s for s in candidats if _get(s, "date_fin") >= date]
    choix = en_vigueur or candidats
    if not choix:
        return None
    return Decimal(_get(max(choix, key=lambda s: _get(s, "date_debut")), "montant_ht"))


def date_reference(marche):
    return marche.date_lancement or marche.date_notification


def valeur_reference(marche):
    value = marche.valeur_estimee_ht if marche.valeur_estimee_ht is not None else marche.montant_ht
    return None if value is None else Decimal(value)


def conformite_evaluer(marche, seuils) -> tuple[str, list[str]]:
    if marche.nature == Nature.DEFENSE_SECURITE:
        return StatutConformite.NON_SOUMIS, []
    date = date_reference(marche)
    if date is None:
        return StatutConformite.NON_SOUMIS, [MANQUE_DATE]
    manquements = []
    if not marche.clause_environnementale:
        manquements.append(MANQUE_ENV_CONDITION)
    if not marche.critere_environnemental:
        manquements.append(MANQUE_ENV_CRITERE)
    valeur = valeur_reference(marche)
    seuil = seuil_en_vigueur(seuils, type_seuil_pour(marche), date)
    if valeur is None:
        if not marche.clause_sociale:
            manquements.append(MANQUE_VALEUR)
    elif seuil is None:
        if not marche.clause_sociale and date >= DATE_OBLIGATIONS:
            manquements.append(MANQUE_SEUIL)
    elif valeur >= seuil and not marche.clause_sociale:
        if not marche.derogation_sociale:
            manquements.append(MANQUE_SOCIALE)
        elif not (marche.derogation_justification or "").strip():
            manquements.append(MANQUE_JUSTIFICATION)
    if date < DATE_OBLIGATIONS:
        return StatutConformite.NON_SOUMIS, manquements
    return (StatutConformite.NON_CONFORME if manquements else StatutConformite.CONFORME), manquements


def soumis(marche) -> bool:
    """True when the 2026 obligations apply to the contract (used by the detail page's wording)."""
    date = date_reference(marche)
    return marche.nature != Nature.DEFENSE_SECURITE and date is not None and date >= DATE_OBLIGATIONS


# --- SPASER rule: every contract is examined before launch (issue 18) ----------------------------------------
# Not a legal obligation, so not part of `statut_conformite`: the scheme's own rule, shown beside the legal ones
# (the DCP's home, the examinations' figures). Applies to consultations launched from EXAMENS_DEPUIS (a setting:
# the date the buyer started examining its contracts). The examinations app (above this one) reads it through
# `examen_manquant` for one contract and filters lists with the same rule in SQL (examens.selectors).

MANQUE_EXAMEN = "Consultation lancée sans examen préalable des clauses (règle du SPASER)"
EXAMENS_DEPUIS_DEFAUT = datetime.date(2026, 1, 1)


def examens_depuis() -> datetime.date:
    """From which launch date a contract must have been examined (setting SPASER["EXAMENS_DEPUIS"], ISO)."""
    valeur = getattr(settings, "SPASER", {}).get("EXAMENS_DEPUIS")
    if not valeur:
        return EXAMENS_DEPUIS_DEFAUT
    return valeur if isinstance(valeur, datetime.date) else datetime.date.fromisoformat(str(valeur))


def examen_manquant(*, date_lancement, date_decision, today: datetime.date, depuis: datetime.date | None = None) -> bool:
    """True when the consultation was launched (on or before `today`, from `depuis`) without an examination
    decided on or before its launch date (`date_decision`: the day the DCP decided, None if not decided)."""
    depuis = depuis or examens_depuis()
    if date_lancement is None or date_lancement > today or date_lancement < depuis:
        return False
    return date_decision is None or date_decision > date_lancement
