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


# --- Behind the reverse proxy: the real client address, and the username locked from every address ---------

PROXY = "10.20.0.10"


@pytest.fixture
def derriere_le_proxy(settings):
    settings.PROXIES_DE_CONFIANCE = [PROXY]


def _via_proxy(client_ip, *, transmis=None):
    """A client whose connection comes from the proxy, which says it forwards `client_ip`."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=transmis or client_ip, HTTP_X_FORWARDED_PROTO="https")


def test_behind_the_proxy_an_attacker_locks_only_its_own_address(derriere_le_proxy):
    UserFactory(username="cible")
    attaquant = _via_proxy("198.51.100.7")
    _echouer(attaquant, "cible")
    assert _login(attaquant, "cible", "demo").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # Every client reaches Django from the proxy's address: the real user, elsewhere, still logs in.
    vrai = _via_proxy("203.0.113.5")
    assert _login(vrai, "cible", "demo").status_code == 302
    assert _connecte(vrai)


def test_the_proxy_address_is_the_last_forwarded_one_not_what_the_client_wrote(derriere_le_proxy):
    """A client that writes its own X-Forwarded-For gets it prefixed to the one the proxy adds: only the last counts,
    so changing the forged part on every attempt does not dodge the lock."""
    UserFactory(username="cible")
    for n in range(LIMITE):  # the last failure answers the lockout page itself
        response = _login(_via_proxy("x", transmis=f"192.0.2.{n + 1}, 198.51.100.7"), "cible", "mauvais")
        assert response.status_code == (429 if n == LIMITE - 1 else 200)
    assert _login(_via_proxy("x", transmis="192.0.2.99, 198.51.100.7"), "cible", "demo").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_forwarded_headers_from_anyone_but_the_proxy_are_ignored(derriere_le_proxy):
    """A client reaching gunicorn directly cannot choose the address that is counted."""
    UserFactory(username="cible")
    for n in range(LIMITE):
        client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
        assert _login(client, "cible", "mauvais").status_code == (429 if n == LIMITE - 1 else 200)
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert _login(client, "cible", "demo").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(settings):
    settings.PROXIES_DE_CONFIANCE = []
    UserFactory(username="cible")
    _echouer(Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"), "cible")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


LIMITE_IDENTIFIANT = settings.CONNEXION_LIMITE_PAR_IDENTIFIANT


def _repartir(username, total, *, par_adresse=LIMITE - 1, prefixe="198.51.100"):
    """`total` failures for `username`, at most `par_adresse` from each address (none is locked by itself)."""
    faits, n = 0, 0
    while faits < total:
        n += 1
        client = _via_proxy(f"{prefixe}.{n}")
        for _ in range(min(par_adresse, total - faits)):
            assert _login(client, username, "mauvais").status_code == 200
            faits += 1
    return n


def test_the_username_limit_is_above_the_pair_limit():
    assert LIMITE < LIMITE_IDENTIFIANT <= 50
    # One address cannot reach it alone: it is locked (and no longer counted) after LIMITE failures.
    assert LIMITE_IDENTIFIANT > LIMITE


def test_failures_spread_over_many_addresses_lock_the_username_everywhere(derriere_le_proxy):
    UserFactory(username="cible")
    UserFactory(username="collegue")
    adresses = _repartir("cible", LIMITE_IDENTIFIANT)
    assert adresses > 1
    # A new address, the right password: refused with the lockout page, for that username only.
    ailleurs = _via_proxy("203.0.113.5")
    response = _login(ailleurs, "cible", "demo")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert not _connecte(ailleurs)
    assert _login(_via_proxy("203.0.113.5"), "collegue", "demo").status_code == 302


def test_one_failure_short_of_the_username_limit_still_logs_in(derriere_le_proxy):
    UserFactory(username="cible")
    _repartir("cible", LIMITE_IDENTIFIANT - 1)
    vrai = _via_proxy("203.0.113.5")
    assert _login(vrai, "cible", "demo").status_code == 302
    assert _connecte(vrai)


def test_one_address_hammering_cannot_lock_the_username_for_everyone(derriere_le_proxy):
    """Its pair is locked at LIMITE; what it sends afterwards is refused without being counted."""
    UserFactory(username="cible")
    attaquant = _via_proxy("198.51.100.7")
    for _ in range(LIMITE_IDENTIFIANT + 5):
        assert _login(attaquant, "cible", "mauvais").status_code in (200, 429)
    assert _login(attaquant, "cible", "demo").status_code == 429
    vrai = _via_proxy("203.0.113.5")
    assert _login(vrai, "cible", "demo").status_code == 302


def test_the_username_lock_lifts_after_the_cool_off(derriere_le_proxy):
    UserFactory(username="patient")
    _repartir("patient", LIMITE_IDENTIFIANT)
    assert _login(_via_proxy("203.0.113.5"), "patient", "demo").status_code == 429
    past = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)
    vrai = _via_proxy("203.0.113.5")
    assert _login(vrai, "patient", "demo").status_code == 302
