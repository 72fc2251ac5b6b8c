"""The clause advisor's facts read from the database (marches.conseil): the EU threshold in force at launch, of the
contract's own type (works, or supplies and services), with the period it belongs to."""

import datetime
from decimal import Decimal

import pytest

from marches.conseil import situation_pour
from marches.enums import CCAG
from marches.models import Marche, SeuilEuropeen
from tests.core.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seuils():
    SeuilEuropeen.objects.all().delete()
    for type_seuil, debut, fin, montant in [
        ("travaux", datetime.date(2024, 1, 1), datetime.date(2025, 12, 31), "5538000"),
        ("travaux", datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), "5404000"),
        ("fcs_collectivites", datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), "216000"),
        ("fcs_etat", datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), "140000"),
    ]:
        SeuilEuropeen.objects.create(type_seuil=type_seuil, date_debut=debut, date_fin=fin, montant_ht=montant)


def _brouillon(**kwargs):
    return Marche(acheteur=OrganisationFactory(instance=True), objet="", **kwargs)


@pytest.mark.parametrize(("champs", "seuil", "libelle"), [
    ({"code_cpv": "45233140", "date_lancement": datetime.date(2026, 3, 1)}, "5404000",
     "travaux et concessions 2026–2027"),
    ({"code_cpv": "45233140", "date_lancement": datetime.date(2025, 3, 1)}, "5538000",
     "travaux et concessions 2024–2025"),
    ({"code_cpv": "77311000", "ccag": CCAG.FCS, "date_lancement": datetime.date(2026, 3, 1)}, "216000",
     "fournitures et services — collectivités territoriales 2026–2027"),
])
def test_the_threshold_in_force_at_launch_of_the_contracts_type(seuils, champs, seuil, libelle):
    situation = situation_pour(_brouillon(**champs))
    assert (situation.seuil, situation.seuil_libelle) == (Decimal(seuil), libelle)


def test_no_threshold_of_the_type_gives_none(seuils):
    SeuilEuropeen.objects.filter(type_seuil="fcs_collectivites").delete()
    situation = situation_pour(_brouillon(code_cpv="77311000", ccag=CCAG.FCS, date_lancement=datetime.date(2026, 3, 1)))
    assert (situation.seuil, situation.seuil_libelle) == (None, "")
