"""A planned purchase (spaser.Programmation) is dated by its planned launch quarter: a new entry, or a newly chosen
quarter, cannot be a quarter already over; the current quarter is allowed; an entry whose quarter has passed can
still be edited when its quarter is left as it is."""

import datetime

import pytest
from django.urls import reverse

from core.enums import Role
from spaser.forms import ProgrammationForm
from spaser.models import Programmation
from tests.core.factories import OrganisationFactory, UserFactory
from tests.spaser.factories import ProgrammationFactory

pytestmark = pytest.mark.django_db

AUJOURDHUI = datetime.date(2026, 5, 15)  # second quarter of 2026


@pytest.fixture(autouse=True)
def aujourdhui(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: AUJOURDHUI)


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


def _data(instance, **changes):
    return {"acheteur": instance.pk, "objet": "Entretien des espaces verts des collèges", "montant_estime_ht": "450000",
            "annee": "2026", "trimestre": "2", "contact": "commande.publique@landes.invalid", **changes}


@pytest.mark.parametrize(("annee", "trimestre", "valide"), [
    ("2026", "1", False),  # the quarter before today's
    ("2025", "4", False),
    ("2025", "3", False),
    ("2026", "2", True),  # today's quarter
    ("2026", "3", True),
    ("2027", "1", True),
])
def test_new_entry_cannot_be_dated_in_a_past_quarter(instance, annee, trimestre, valide):
    form = ProgrammationForm(data=_data(instance, annee=annee, trimestre=trimestre))
    assert form.is_valid() is valide, form.errors
    if not valide:
        assert form.errors["trimestre"] == [
            f"T{trimestre} {annee} est passé : un achat programmé se lance au trimestre en cours (T2 2026) ou à un "
            "trimestre à venir."]


def test_past_entry_stays_editable_while_its_quarter_is_unchanged(instance):
    passee = ProgrammationFactory(acheteur=instance, annee=2025, trimestre=3, published=True)
    form = ProgrammationForm(data=_data(instance, annee="2025", trimestre="3", objet="Objet corrigé"),
                             instance=passee)
    assert form.is_valid(), form.errors
    # Moving it to another past quarter is dating it in the past again.
    form = ProgrammationForm(data=_data(instance, annee="2025", trimestre="4"), instance=passee)
    assert not form.is_valid() and "T4 2025 est passé" in form.errors["trimestre"][0]
    form = ProgrammationForm(data=_data(instance, annee="2026", trimestre="1"), instance=passee)
    assert not form.is_valid() and "T1 2026 est passé" in form.errors["trimestre"][0]
    form = ProgrammationForm(data=_data(instance, annee="2026", trimestre="4"), instance=passee)
    assert form.is_valid(), form.errors


def test_create_page_refuses_a_past_quarter_in_french_and_stores_nothing(client, instance):
    client.force_login(UserFactory(role=Role.DCP, organisation=instance))
    response = client.post(reverse("spaser:programmation_create"), _data(instance, annee="2026", trimestre="1"))
    html = response.content.decode()
    assert response.status_code == 200 and "T1 2026 est passé" in html
    assert "Entretien des espaces verts des collèges" in html  # what was typed is kept
    assert not Programmation.objects.exists()
    response = client.post(reverse("spaser:programmation_create"), _data(instance, annee="2026", trimestre="2"))
    assert response.status_code == 302
    assert Programmation.objects.get().periode == "T2 2026"


def test_update_page_keeps_a_past_entry_editable(client, instance):
    passee = ProgrammationFactory(acheteur=instance, annee=2025, trimestre=3, published=True)
    client.force_login(UserFactory(role=Role.DCP, organisation=instance))
    url = reverse("spaser:programmation_update", args=[passee.pk])
    response = client.post(url, _data(instance, annee="2025", trimestre="3", published=""))
    assert response.status_code == 302
    passee.refresh_from_db()
    assert passee.published is False and passee.periode == "T3 2025"
