"""The browser's part: charts drawn by Chart.js, and a bilan asked for in the browser, built by a real Celery
worker, followed on its page and downloaded."""

import importlib

import pytest

from bilans.models import Bilan
from tests.bilans.helpers import attendre_chiffres, pdf_text
from tests.browser.connexion import connecter
from tests.core.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]




def test_dcp_generates_the_bilan_in_the_browser_through_a_real_worker(
        celery_worker_process, live_server, page, jeu, settings, tmp_path):
    settings.MEDIA_ROOT = importlib.import_module("config.settings.test").MEDIA_ROOT  # where the worker writes
    UserFactory(username="b-dcp", role="dcp", organisation=jeu.instance)
    connecter(page, live_server, "b-dcp")
    page.goto(f"{live_server.url}/bilans/?annee=2025")
    attendre_chiffres(page)  # computed by the worker, then shown
    assert page.evaluate("() => typeof Chart") == "function"
    assert page.evaluate("() => !!Chart.getChart(document.querySelector('canvas[data-chart=tendance_heures]'))")
    page.get_by_role("button", name="Générer le bilan annuel").click()
    page.wait_for_selector("#etat")
    page.wait_for_selector("#telecharger:not(.d-none)", timeout=120_000)
    assert page.locator("#etat-libelle").inner_text() == "Terminée"
    with page.expect_download() as download:
        page.click("#telecharger")
    path = tmp_path / "telecharge.pdf"
    download.value.save_as(path)
    bilan = Bilan.objects.get()
    try:
        text = pdf_text(path.read_bytes(), tmp_path)
        assert "380 h d'insertion ont été réalisées en 2025" in text
    finally:
        bilan.fichier.delete(save=False)
