"""Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address the
login answers a French lockout page (429), even to the right password, for the announced time; other users
and the same user elsewhere still log in; the lock lifts after the cool-off; a success resets the count."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db
LIMITE = settings.AXES_FAILURE_LIMIT


def _client(ip="192.0.2.10"):
    return Client(REMOTE_ADDR=ip)


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _connecte(client) -> bool:
    return "_auth_user_id" in client.session


def _echouer(client, username, fois=LIMITE):
    for _ in range(fois):
        response = _login(client, username, "mauvais-mot-de-passe")
        if response.status_code == 429:
            return response
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    return response


def test_the_limit_is_small_enough_to_matter():
    assert 3 <= LIMITE <= 10
    assert settings.AXES_RESET_ON_SUCCESS


def test_one_failure_short_of_the_limit_still_logs_in_and_resets_the_count():
    UserFactory(username="presque")
    client = _client()
    _echouer(client, "presque", LIMITE - 1)
    assert _login(client, "presque", "demo").status_code == 302
    assert _connecte(client)
    client.logout()
    # The success reset the count: as many failures again do not lock.
    _echouer(client, "presque", LIMITE - 1)
    assert _login(client, "presque", "demo").status_code == 302


def test_the_limit_locks_out_with_a_clear_french_page_even_with_the_right_password():
    UserFactory(username="cible")
    client = _client()
    _echouer(client, "cible")
    response = _login(client, "cible", "demo")
    assert response.status_code == 429
    assert not _connecte(client)
    html = response.content.decode()
    assert "Trop de tentatives de connexion" in html
    assert 'lang="fr"' in html
    # The page announces the real cool-off.
    minutes = re.search(r"pendant (\d+) minutes", html)
    assert minutes, html
    assert int(minutes.group(1)) == round(settings.AXES_COOLOFF_TIME * 60)
    assert _client().get(reverse("core:home")).status_code == 302  # still not logged in anywhere


def test_an_unknown_username_is_locked_the_same_way():
    """No oracle: a username that does not exist gets the same lockout as one that does."""
    client = _client()
    response = _echouer(client, "personne-de-ce-nom")
    response = _login(client, "personne-de-ce-nom", "demo")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()


def test_a_lock_does_not_shut_out_other_users_or_addresses():
    UserFactory(username="cible")
    UserFactory(username="collegue")
    attaquant = _client("198.51.100.7")
    _echouer(attaquant, "cible")
    assert _login(attaquant, "cible", "demo").status_code == 429

    collegue = _client("198.51.100.7")  # same address, other account
    assert _login(collegue, "collegue", "demo").status_code == 302
    ailleurs = _client("203.0.113.5")  # the real user, from their own office
    assert _login(ailleurs, "cible", "demo").status_code == 302


def test_the_lock_lifts_after_the_cool_off():
    UserFactory(username="patient")
    client = _client()
    _echouer(client, "patient")
    assert _login(client, "patient", "demo").status_code == 429
    past = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - past)
    assert _login(client, "patient", "demo").status_code == 302
    assert _connecte(client)
