"""The bilan counts hours with the same rules as the facilitators' follow-up (facilitateurs.selectors):
the same figure for the same rows, whatever the modality."""

import datetime
from decimal import Decimal

import pytest

from bilans.selectors import indicateurs_annuels
from facilitateurs.enums import Modalite
from facilitateurs.selectors import heures_realisees_par_marche
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def test_follow_up_and_bilan_count_the_same_hours(settings):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": "0.3"}
    acheteur = OrganisationFactory(instance=True)
    notifie = datetime.date(2025, 3, 1)
    avec_clause = MarcheFactory(acheteur=acheteur, date_notification=notifie)
    ClauseMarcheFactory(marche=avec_clause, heures_requises=Decimal("200"))
    sans_heures_requises = MarcheFactory(acheteur=acheteur, date_notification=notifie)
    mois = datetime.date(2025, 6, 1)
    lignes = [
        (avec_clause, Modalite.EMBAUCHE_DIRECTE, Decimal("100"), None),
        (avec_clause, Modalite.CO_TRAITANCE_SIAE, Decimal("0"), Decimal("3000")),  # 3 000 € / 30 = 100 h
        (avec_clause, Modalite.SOUS_TRAITANCE_SIAE, Decimal("0"), Decimal("600")),  # 20 h
        (avec_clause, Modalite.FORMATION, Decimal("90"), None),  # capped at 0.3 × 200 = 60 h
        (sans_heures_requises, Modalite.FORMATION, Decimal("35"), None),  # nothing required: no cap
    ]
    for marche, modalite, heures, montant in lignes:
        HeuresMensuellesFactory(marche=marche, mois=mois, modalite=modalite, heures=heures, montant_ht=montant)

    suivi = heures_realisees_par_marche([avec_clause.pk, sans_heures_requises.pk])
    assert suivi[avec_clause.pk] == Decimal("280.00") and suivi[sans_heures_requises.pk] == Decimal("35.00")
    bilan = indicateurs_annuels(acheteur=acheteur, annee=2025)
    assert bilan.heures_realisees == sum(suivi.values()) == Decimal("315.00")
    assert bilan.heures_formation_comptees == Decimal("95.00")
