"""Production settings (config/settings/prod.py) with the minimal environment: `check --deploy` passes at the
WARNING level, cookies are Secure/HttpOnly, HSTS is a year with subdomains, plain HTTP is redirected, and
production refuses to start without its secrets. Each case runs in its own process, as production would."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UN_AN = 365 * 24 * 3600

SONDE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

noms = ["DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SESSION_COOKIE_SAMESITE", "AXES_ENABLED", "DEMO"]
sortie = {nom: getattr(settings, nom, None) for nom in noms}
client = Client()
http = client.get("/connexion/")
sortie["http"] = [http.status_code, http.get("Location")]
https = client.get("/sante/", secure=True)
sortie["https_headers"] = {k: https.get(k) for k in
                           ("Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")}
print("SONDE" + json.dumps(sortie))
"""


def _env(**changes):
    """The minimal production environment; a None value removes the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        PYTHONPATH=str(ROOT),
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="spaser.exemple.fr,testserver",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgresql://spaser@127.0.0.1:5432/spaser",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(args, **changes):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(**changes), capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_minimal_environment():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_a_weak_secret_key():
    """Control: the same check fails on a weak key, so its success above means something."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY="django-insecure-court"
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    result = _run(["manage.py", "check"], **{missing: None})
    assert result.returncode != 0
    assert f"La variable d'environnement {missing} est obligatoire en production." in result.stderr


def test_secure_cookies_hsts_and_https_redirect():
    # No database or static manifest needed: the probe reads settings and two answers of SecurityMiddleware.
    result = _run(["-c", SONDE])
    assert result.returncode == 0, result.stderr[-3000:]
    sonde = json.loads(result.stdout.split("SONDE", 1)[1])
    assert sonde["DEBUG"] is False and sonde["DEMO"] is False
    assert sonde["SESSION_COOKIE_SECURE"] and sonde["SESSION_COOKIE_HTTPONLY"]
    assert sonde["CSRF_COOKIE_SECURE"] and sonde["CSRF_COOKIE_HTTPONLY"]
    assert sonde["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert sonde["SECURE_HSTS_SECONDS"] >= UN_AN and sonde["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert sonde["SECURE_SSL_REDIRECT"]
    assert sonde["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert sonde["X_FRAME_OPTIONS"] == "DENY" and sonde["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert sonde["AXES_ENABLED"] is not False
    status, location = sonde["http"]
    assert status == 301 and location == "https://testserver/connexion/"
    headers = sonde["https_headers"]
    assert headers["Strict-Transport-Security"].startswith(f"max-age={UN_AN}")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
