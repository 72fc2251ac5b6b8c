"""Accounts: password reset by e-mail (sent through a real local SMTP server, tests/smtp.py, the link followed)
and password change for a logged-in user, with Django's own views and French templates; the login page shows
one error box; e-mail settings come from the environment in production and go to files in `make run`."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NOUVEAU = "Cerisier-en-fleur-2026"


def _connecte(client) -> bool:
    return "_auth_user_id" in client.session


def _lien(message) -> str:
    corps = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^\s/]+(/mot-de-passe/nouveau/[^\s]+/)", corps)
    assert match, corps
    return match.group(1)


def test_reset_by_email_through_a_real_smtp_server_then_log_in_with_the_new_password(serveur_smtp, settings):
    settings.DEFAULT_FROM_EMAIL = "spaser@collectivite.example"
    UserFactory(username="oubli", email="oubli@collectivite.example")
    client = Client()

    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    assert "Mot de passe oublié" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": "oubli@collectivite.example"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "Vérifiez votre messagerie" in client.get(response["Location"]).content.decode()

    [message] = serveur_smtp.attendre(1)
    assert message["To"] == "oubli@collectivite.example"
    assert message["From"] == "spaser@collectivite.example"
    assert "mot de passe" in message["Subject"].lower()
    corps = message.get_body(preferencelist=("plain",)).get_content()
    assert "« oubli »" in corps and "3 jours" in corps

    lien = _lien(message)
    formulaire = client.get(lien, follow=True)
    assert formulaire.status_code == 200
    html = formulaire.content.decode()
    assert "Nouveau mot de passe" in html and 'name="new_password1"' in html
    fin = client.post(formulaire.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert fin.status_code == 302 and fin["Location"] == reverse("password_reset_complete")
    assert "Mot de passe enregistré" in client.get(fin["Location"]).content.decode()

    nouveau = Client()
    assert nouveau.post(reverse("login"), {"username": "oubli", "password": NOUVEAU}).status_code == 302
    assert _connecte(nouveau)
    ancien = Client()
    assert ancien.post(reverse("login"), {"username": "oubli", "password": "demo"}).status_code == 200
    assert not _connecte(ancien)

    # The link served once: followed again, it says so in French and offers a new one.
    encore = Client().get(lien, follow=True)
    html = encore.content.decode()
    assert "Ce lien n'est pas valable" in html
    assert reverse("password_reset") in html


def test_an_unknown_address_gets_the_same_answer_and_no_email(serveur_smtp):
    UserFactory(username="connu", email="connu@collectivite.example")
    response = Client().post(reverse("password_reset"), {"email": "inconnu@collectivite.example"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    # Sending happens inside the request: nothing was sent by the time it answered.
    assert serveur_smtp.messages == []


def test_a_forged_link_is_refused():
    user = UserFactory(username="cible", email="cible@collectivite.example")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = Client().get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": "abc-123"}))
    assert response.status_code == 200
    assert "Ce lien n'est pas valable" in response.content.decode()
    assert 'name="new_password1"' not in response.content.decode()


def test_a_logged_in_user_changes_their_password_from_the_user_menu():
    UserFactory(username="agent")
    client = Client()
    client.post(reverse("login"), {"username": "agent", "password": "demo"})
    accueil = client.get(reverse("core:home"), follow=True).content.decode()
    assert f'href="{reverse("password_change")}"' in accueil
    assert "Changer mon mot de passe" in accueil

    refuse = client.post(
        reverse("password_change"), {"old_password": "faux", "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )
    assert refuse.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in refuse.content.decode()

    response = client.post(
        reverse("password_change"), {"old_password": "demo", "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "Mot de passe changé" in client.get(response["Location"]).content.decode()
    assert _connecte(client)  # the session survives the change
    autre = Client()
    assert autre.post(reverse("login"), {"username": "agent", "password": NOUVEAU}).status_code == 302


def test_password_change_needs_a_login():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_login_page_links_to_the_reset_and_shows_one_error_box():
    UserFactory(username="claire")
    client = Client()
    assert f'href="{reverse("password_reset")}"' in client.get(reverse("login")).content.decode()
    html = client.post(reverse("login"), {"username": "claire", "password": "faux"}).content.decode()
    assert html.count("alert-danger") == 1, html
    assert html.count("Identifiant ou mot de passe incorrect") == 1
    assert "Saisissez un nom" not in html  # Django's own non-field message is not shown a second time


def _reglages(module, **env):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print('SONDE' + json.dumps({k: str(getattr(s, k)) for k in ("
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', "
        "'DEFAULT_FROM_EMAIL', 'EMAIL_FILE_PATH')}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "DEFAULT_FROM"))}
    base.update(DJANGO_SETTINGS_MODULE=module, PYTHONPATH=str(ROOT), SECRET_KEY="x" * 60,
                ALLOWED_HOSTS="spaser.exemple.fr", DATABASE_URL=os.environ.get("DATABASE_URL") or "sqlite:///x", **env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.split("SONDE", 1)[1])


def test_production_sends_by_smtp_with_settings_from_the_environment():
    sonde = _reglages(
        "config.settings.prod", EMAIL_HOST="smtp.exemple.fr", EMAIL_PORT="587", EMAIL_HOST_USER="spaser",
        EMAIL_HOST_PASSWORD="secret", EMAIL_USE_TLS="true", DEFAULT_FROM_EMAIL="SPASER <spaser@exemple.fr>",
    )
    assert sonde["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert sonde["EMAIL_HOST"] == "smtp.exemple.fr" and sonde["EMAIL_PORT"] == "587"
    assert sonde["EMAIL_HOST_USER"] == "spaser" and sonde["EMAIL_HOST_PASSWORD"] == "secret"
    assert sonde["EMAIL_USE_TLS"] == "True"
    assert sonde["DEFAULT_FROM_EMAIL"] == "SPASER <spaser@exemple.fr>"


def test_make_run_writes_emails_to_files():
    sonde = _reglages("config.settings.dev")
    assert sonde["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert sonde["EMAIL_FILE_PATH"].endswith("courriels")
