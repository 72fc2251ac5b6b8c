import pytest
from django.urls import reverse

from core.enums import Role
from core.models import Organisation, User
from tests.core.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="adm", role=Role.ADMIN, organisation=OrganisationFactory(instance=True))
    client.force_login(admin)
    return client


def test_organisation_create_refuses_invalid_siret_and_keeps_input(admin_client):
    response = admin_client.post(reverse("core:organisation_create"), {
        "siret": "12345678901234", "nom": "Ville de Test", "code_postal": "40100", "type": "partenaire",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "clé de contrôle incorrecte" in html
    assert 'value="Ville de Test"' in html
    assert not Organisation.objects.filter(nom="Ville de Test").exists()


def test_organisation_create_records_history_with_author(admin_client):
    response = admin_client.post(reverse("core:organisation_create"), {
        "siret": "732 829 320 00074", "nom": "Ville de Test", "code_postal": "40100", "type": "partenaire",
    })
    assert response.status_code == 302
    org = Organisation.objects.get(siret="73282932000074")
    assert org.departement == "40"
    admin_client.post(reverse("core:organisation_update", args=[org.pk]), {
        "siret": org.siret, "nom": "Ville de Test (nouveau nom)", "code_postal": "40100", "type": "partenaire",
    })
    records = list(org.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert all(r.history_user.username == "adm" for r in records)
    page = admin_client.get(reverse("core:organisation_detail", args=[org.pk])).content.decode()
    assert "Historique des modifications" in page
    assert "Ville de Test (nouveau nom)" in page


def test_partner_user_must_belong_to_a_partner_organisation(admin_client):
    instance = Organisation.objects.get(type="instance")
    response = admin_client.post(reverse("core:user_create"), {
        "username": "nouveau", "role": "partenaire", "organisation": instance.pk, "password": "Mot2passe-solide",
        "is_active": "on",
    })
    assert response.status_code == 200
    assert "organisation partenaire" in response.content.decode()
    assert not User.objects.filter(username="nouveau").exists()


def test_user_create_then_login(admin_client, client):
    partner = OrganisationFactory(partenaire=True)
    response = admin_client.post(reverse("core:user_create"), {
        "username": "nouveau", "role": "partenaire", "organisation": partner.pk, "password": "Mot2passe-solide",
        "is_active": "on",
    })
    assert response.status_code == 302
    user = User.objects.get(username="nouveau")
    assert user.check_password("Mot2passe-solide")
    assert user.history.first().history_user.username == "adm"


def test_user_list_filters_by_role(admin_client):
    UserFactory(username="un-elu", role=Role.ELU)
    UserFactory(username="un-acheteur", role=Role.ACHETEUR)
    html = admin_client.get(reverse("core:users"), {"role": "elu"}).content.decode()
    assert "un-elu" in html and "un-acheteur" not in html
