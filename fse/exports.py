"""Participant-level XLSX for the managing authority: one row per participation, codes only. No name, no
contact detail, no identity field: the participant appears by their pseudonymous code."""

import datetime

from django.utils import timezone

from core.tabular import xlsx_bytes
from facilitateurs.services import add_months

from . import selectors
from .indicateurs import EMPLOI, age_entree
from .models import SENSIBLES

COLONNES = [
    "Opération (référence)",
    "Participant (code)",
    "Sexe (F/M/X)",
    "Âge à l'entrée",
    "Date d'entrée",
    "Informé(e) du traitement le",
    "Situation à l'entrée (code)",
    "Niveau d'éducation (code CITE)",
    "Handicap (oui/non/nspr)",
    "Ressortissant pays tiers (oui/non/nspr)",
    "Origine étrangère (oui/non/nspr)",
    "Minorité (oui/non/nspr)",
    "Sans domicile / exclusion du logement (oui/non/nspr)",
    "Zone rurale (oui/non/nspr)",
    "Date de sortie",
    "Recherche d'emploi à la sortie (1/0)",
    "Enseignement ou formation à la sortie (1/0)",
    "Qualification obtenue à la sortie (1/0)",
    "Emploi à la sortie (1/0)",
    "Date sortie + 6 mois",
    "Emploi à 6 mois (1/0)",
    "Situation améliorée à 6 mois (1/0)",
    "Données complètes (1/0)",
]
_SENSIBLES_COLONNES = dict(zip(SENSIBLES, COLONNES[8:14], strict=True))


def _flag(valeur: bool | None):
    return None if valeur is None else int(bool(valeur))


def lignes(*, annee: int, operation=None, aujourd_hui: datetime.date | None = None) -> list[dict]:
    aujourd_hui = aujourd_hui or timezone.localdate()
    rows = []
    for p in selectors.participations(annee=annee, operation=operation):
        participant = p.participant
        sortie = p.sortie_date
        six_mois = add_months(sortie, 6) if sortie else None
        row = {
            COLONNES[0]: p.operation.reference,
            COLONNES[1]: participant.code,
            COLONNES[2]: participant.sexe,
            COLONNES[3]: age_entree(p.date_entree, participant.annee_naissance),
            COLONNES[4]: p.date_entree,
            COLONNES[5]: p.date_information,
            COLONNES[6]: p.situation_entree or None,
            COLONNES[7]: p.niveau_education or None,
            COLONNES[14]: sortie,
            COLONNES[15]: _flag(p.sortie_recherche_emploi) if sortie else None,
            COLONNES[16]: _flag(p.sortie_formation) if sortie else None,
            COLONNES[17]: _flag(p.sortie_qualification) if sortie else None,
            COLONNES[18]: _flag(p.sortie_categorie in EMPLOI) if sortie else None,
            COLONNES[19]: six_mois,
            COLONNES[20]: _flag(p.categorie_6_mois in EMPLOI) if p.categorie_6_mois else None,
            COLONNES[21]: _flag(p.situation_amelioree_6_mois),
            COLONNES[22]: 0 if selectors.incomplet(p, aujourd_hui) else 1,
        }
        for champ, colonne in _SENSIBLES_COLONNES.items():
            row[colonne] = getattr(p, champ) or None
        rows.append(row)
    return rows


def participants_xlsx(*, annee: int, operation=None, aujourd_hui: datetime.date | None = None) -> bytes:
    """The workbook: one sheet, one row per participation of the year's scope (selectors.participations)."""
    return xlsx_bytes(COLONNES, lignes(annee=annee, operation=operation, aujourd_hui=aujourd_hui),
                      title=f"Participants FSE+ {annee}")
