"""Two users editing the same contract: the second to save is told, with what changed; nothing is lost."""

from decimal import Decimal

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from core.concurrence import ConflitModification, version_actuelle
from core.enums import Role
from marches import services
from marches.models import Marche
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db


def form_data(form) -> dict:
    """What a browser posts back for an unbound form, as it was rendered."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def marche(instance):
    return MarcheFactory(acheteur=instance, objet="Entretien des routes", montant_ht=Decimal("100000"))


def _user_client(instance, first_name, last_name):
    user = UserFactory(role=Role.DCP, organisation=instance, first_name=first_name, last_name=last_name)
    client = Client()
    client.force_login(user)
    return user, client


def _open(client, marche):
    response = client.get(reverse("marches:update", args=[marche.pk]))
    assert response.status_code == 200
    return form_data(response.context["form"])


def test_second_user_to_save_is_told_and_keeps_their_input(instance, marche):
    _, alice = _user_client(instance, "Alice", "Martin")
    _, bruno = _user_client(instance, "Bruno", "Durand")
    url = reverse("marches:update", args=[marche.pk])
    vue_alice = _open(alice, marche)
    vue_bruno = _open(bruno, marche)
    assert vue_alice["version"] == vue_bruno["version"] == version_actuelle(marche)

    response = alice.post(url, {**vue_alice, "objet": "Entretien des routes départementales"})
    assert response.status_code == 302

    response = bruno.post(url, {**vue_bruno, "montant_ht": "150000.00"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce marché a été modifié par Alice Martin le " in page
    assert "depuis que vous avez ouvert la page" in page
    assert "Champs modifiés entre-temps : objet" in page
    form = response.context["form"]
    assert form["montant_ht"].value() == "150000.00"  # Bruno's input is kept on the page
    marche.refresh_from_db()
    assert marche.objet == "Entretien des routes départementales"  # Alice's change is not lost
    assert marche.montant_ht == Decimal("100000")  # Bruno's was not saved behind his back
    assert marche.history.count() == 2  # creation, Alice's save

    # Bruno has seen the change: submitting again, deliberately, saves his input.
    assert form["version"].value() == version_actuelle(marche)
    response = bruno.post(url, {**vue_bruno, "montant_ht": "150000.00", "version": form["version"].value()})
    assert response.status_code == 302
    marche.refresh_from_db()
    assert marche.montant_ht == Decimal("150000")


def test_a_form_opened_and_saved_alone_saves(instance, marche):
    _, alice = _user_client(instance, "Alice", "Martin")
    data = _open(alice, marche)
    response = alice.post(reverse("marches:update", args=[marche.pk]), {**data, "objet": "Nouvel objet"})
    assert response.status_code == 302
    marche.refresh_from_db()
    assert marche.objet == "Nouvel objet"


def test_service_refuses_a_stale_version_and_writes_nothing(marche):
    alice, bruno = UserFactory(first_name="Alice", last_name="Martin"), UserFactory()
    vue = version_actuelle(marche)
    copie_alice, copie_bruno = Marche.objects.get(pk=marche.pk), Marche.objects.get(pk=marche.pk)

    copie_alice.objet = "Objet d'Alice"
    services.marche_enregistrer(marche=copie_alice, user=alice, version=vue)
    copie_bruno.objet = "Objet de Bruno"
    with pytest.raises(ConflitModification) as conflit:
        services.marche_enregistrer(marche=copie_bruno, user=bruno, version=vue)

    assert str(conflit.value).startswith("Ce marché a été modifié par Alice Martin le ")
    assert conflit.value.champs == ["objet"]
    assert conflit.value.version == version_actuelle(marche)
    marche.refresh_from_db()
    assert marche.objet == "Objet d'Alice"
    assert not marche.history.filter(history_user=bruno).exists()
    # Without a version (commands, imports), or with the current one, the save goes through.
    services.marche_enregistrer(marche=copie_bruno, user=bruno, version=conflit.value.version)
    marche.refresh_from_db()
    assert marche.objet == "Objet de Bruno"


def test_a_bulk_write_without_history_is_reported_as_an_import(marche):
    vue = version_actuelle(marche)
    Marche.objects.filter(pk=marche.pk).update(
        objet="Importé", updated_at=marche.updated_at.replace(year=2030)
    )
    with pytest.raises(ConflitModification, match="Ce marché a été modifié par un import le "):
        services.marche_enregistrer(marche=marche, version=vue)


def test_a_contract_deleted_meanwhile_is_not_recreated(marche):
    vue = version_actuelle(marche)
    copie = Marche.objects.get(pk=marche.pk)
    services.marche_supprimer(marche=marche)
    with pytest.raises(
        ConflitModification, match="Ce marché a été supprimé depuis que vous avez ouvert la page"
    ):
        services.marche_enregistrer(marche=copie, version=vue)
    assert not Marche.objects.filter(pk=copie.pk).exists()


@pytest.mark.parametrize("version", ["abc", "9" * 40, "-1", "h12", "1e9"])
def test_a_tampered_version_is_a_conflict_not_an_error(instance, marche, version):
    _, alice = _user_client(instance, "Alice", "Martin")
    data = _open(alice, marche)
    response = alice.post(reverse("marches:update", args=[marche.pk]), {**data, "version": version})
    assert response.status_code == 200
    assert "depuis que vous avez ouvert la page" in response.content.decode()
    assert marche.history.count() == 1
