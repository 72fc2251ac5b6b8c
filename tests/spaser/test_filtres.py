"""The forecast lists' filters (spaser.filters.ProgrammationFiltresForm) with bad input: each invalid value is left
out (the list is not filtered by it), the valid ones next to it still apply, and no page or export answers 500."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.enums import Role
from core.parametres import parametres_lire
from spaser.filters import ProgrammationFiltresForm
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.spaser.factories import ProgrammationFactory


def _lire(**params) -> dict:
    return parametres_lire(ProgrammationFiltresForm, params)


@pytest.mark.parametrize("famille", ["x", "-1", "0", "1.5", "99999999999999999999", "\u0663", "²"])
def test_a_bad_family_id_is_left_out(famille):
    assert "famille" not in _lire(famille=famille, q="voirie")
    assert _lire(famille=famille, q="voirie")["q"] == "voirie"  # the other filters still apply


@pytest.mark.parametrize("trimestre", ["T9", "0", "5", "2026-T0", "2026-T5", "26-T3", "2026-T3x", "2026T3",
                                       "\u0663", "2026-T\u0663"])
def test_a_bad_quarter_is_left_out(trimestre):
    assert "trimestre" not in _lire(trimestre=trimestre)


def test_good_quarters_are_read_in_upper_case():
    assert _lire(trimestre="2026-t3")["trimestre"] == "2026-T3"
    assert _lire(trimestre=" 3 ")["trimestre"] == "3"


@pytest.mark.parametrize("montant", ["abc", "-5", "NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "1e13",
                                     "1,2,3"])
def test_a_bad_amount_is_left_out(montant):
    lus = _lire(montant_min=montant, montant_max=montant)
    assert "montant_min" not in lus and "montant_max" not in lus


def test_amounts_are_read_as_french_users_type_them():
    assert _lire(montant_min="1 000,50")["montant_min"] == Decimal("1000.50")
    assert _lire(montant_max="2\u202f500\u202f000")["montant_max"] == Decimal("2500000")
    assert _lire(montant_min="1\u00a0000")["montant_min"] == Decimal("1000")  # core.utils.decimal_fr's spaces
    assert _lire(montant_min="")["montant_min"] is None


def test_the_search_is_cut_at_200_characters():
    assert _lire(q="a" * 5000)["q"] == "a" * 200


@pytest.mark.django_db
def test_internal_list_and_exports_ignore_bad_filters(client):
    instance = OrganisationFactory(instance=True)
    famille = FamilleAchatFactory(nom="Voirie")
    ProgrammationFactory(acheteur=instance, objet="Entretien de la voirie", famille=famille, published=False)
    ProgrammationFactory(acheteur=instance, objet="Nettoyage des collèges", published=False)
    client.force_login(UserFactory(role=Role.DCP, organisation=instance))
    mauvais = {"famille": "99999999999999999999", "trimestre": "2026-T\u0663", "montant_min": "NaN",
               "montant_max": "-Infinity", "q": ""}
    html = client.get(reverse("spaser:programmation_list"), mauvais).content.decode()
    assert "Entretien de la voirie" in html and "Nettoyage des collèges" in html
    # A valid filter next to bad ones still applies.
    html = client.get(reverse("spaser:programmation_list"), {**mauvais, "famille": famille.pk}).content.decode()
    assert "Entretien de la voirie" in html and "Nettoyage des collèges" not in html
    for format_ in ("csv", "xlsx"):
        response = client.get(reverse("spaser:programmation_export", kwargs={"format": format_}), mauvais)
        assert response.status_code == 200
    csv_text = b"".join(client.get(reverse("spaser:programmation_export", kwargs={"format": "csv"}), mauvais)
                        .streaming_content).decode("utf-8-sig")
    assert "Entretien de la voirie" in csv_text and "Nettoyage des collèges" in csv_text
