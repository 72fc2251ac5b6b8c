"""French error pages in every setting, `make run`'s (config.settings.dev) included; a favicon on every page."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core.enums import Role
from tests.core.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

SONDE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
page = client.get("/cette-page-n-existe-pas/")
icone = client.get("/static/favicon.svg")
print("SONDE" + json.dumps({"debug": settings.DEBUG, "statut": page.status_code,
                            "page": page.content.decode(), "icone": icone.status_code}))
"""


@pytest.mark.parametrize("module", ["config.settings.dev", "config.settings.prod"])
def test_unknown_page_is_the_french_404_in_every_setting(module, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    env.update(DJANGO_SETTINGS_MODULE=module, PYTHONPATH=str(ROOT), SECRET_KEY="x" * 60, ALLOWED_HOSTS="testserver",
               DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'x.sqlite3'}",
               SECURE_SSL_REDIRECT="false")
    result = subprocess.run([sys.executable, "-c", SONDE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    sonde = json.loads(result.stdout.split("SONDE", 1)[1])
    assert sonde["debug"] is False
    assert sonde["statut"] == 404
    assert "Page introuvable" in sonde["page"] and "Using the URLconf" not in sonde["page"]
    if module.endswith("dev"):
        assert sonde["icone"] == 200  # static files served without collectstatic


@pytest.mark.django_db
def test_every_page_links_the_favicon(client):
    client.force_login(UserFactory(role=Role.DCP))
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get(reverse("core:home")).content.decode()
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")
    for nom in ("404.html", "500.html", "403.html", "400.html", "413.html"):
        assert 'href="/static/favicon.svg"' in (ROOT / "templates" / nom).read_text()


@pytest.mark.django_db
def test_a_bad_request_is_the_french_400_page(client):
    """Django's own 400 (here an unknown host) and the requests the middlewares refuse share one French page."""
    client.raise_request_exception = False
    inconnu = client.get("/", HTTP_HOST="hote-inconnu.invalid")
    nul = client.get("/spaser/public/programmation/", {"q": "a\x00b"})
    assert inconnu.status_code == nul.status_code == 400
    inconnu, nul = inconnu.content.decode(), nul.content.decode()
    assert "<title>Requête invalide</title>" in inconnu and "La requête envoyée est invalide." in inconnu
    assert "<title>Requête invalide</title>" in nul and "caractère nul (%00)" in nul
    assert "découpez le fichier" not in nul  # the advice of the 413 page is not given for a 400
