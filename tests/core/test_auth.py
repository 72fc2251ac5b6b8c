import pytest
from django.urls import reverse

from core.enums import Role
from tests.core.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login():
    from django.test import Client

    response = Client().get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", Role.values)
def test_each_role_lands_on_its_home(client, role):
    org = OrganisationFactory(partenaire=True) if role == Role.PARTENAIRE else OrganisationFactory(instance=True)
    UserFactory(username=f"u-{role}", role=role, organisation=org)
    response = client.post(reverse("login"), {"username": f"u-{role}", "password": "demo"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-role="{role}"' in html
    assert "Se déconnecter" in html


def test_wrong_password_keeps_username_and_says_so(client):
    UserFactory(username="claire")
    response = client.post(reverse("login"), {"username": "claire", "password": "faux"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Identifiant ou mot de passe incorrect" in html
    assert 'value="claire"' in html


def test_login_is_throttled_after_repeated_failures(client, settings):
    UserFactory(username="cible")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "cible", "password": "faux"})
    response = client.post(reverse("login"), {"username": "cible", "password": "demo"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_inactive_user_cannot_log_in(client):
    UserFactory(username="parti", is_active=False)
    response = client.post(reverse("login"), {"username": "parti", "password": "demo"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
