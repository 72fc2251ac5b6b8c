"""In the browser: the public forecast filters (no login) and the evaluation's trend charts."""

import datetime
from decimal import Decimal

import pytest

from core.enums import Role
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.spaser.factories import CibleFactory, IndicateurFactory, ProgrammationFactory, SpaserFactory

PROCHAINE = datetime.date.today().year + 1  # the forecast shows upcoming quarters only

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_forecast_filters_without_login(live_server, page):
    instance = OrganisationFactory(instance=True)
    travaux = FamilleAchatFactory(nom="Travaux de bâtiment")
    ProgrammationFactory(acheteur=instance, objet="Réhabilitation du collège de Tartas", famille=travaux,
                         montant_estime_ht=Decimal("2500000"), annee=PROCHAINE, trimestre=1)
    ProgrammationFactory(acheteur=instance, objet="Nettoyage des centres médico-sociaux",
                         montant_estime_ht=Decimal("300000"), annee=PROCHAINE, trimestre=3)
    ProgrammationFactory(acheteur=instance, objet="Projet non publié", published=False)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Consulter le site public").click()
    page.get_by_role("link", name="Achats à venir").first.click()
    table = page.get_by_test_id("programmation-table")
    assert "Tartas" in table.inner_text() and "Nettoyage" in table.inner_text()
    assert "Projet non publié" not in page.content()
    page.get_by_label("Famille d'achat").select_option(label="Travaux de bâtiment")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**famille=**")
    assert page.get_by_test_id("programmation-total").inner_text().startswith("1 achat à venir")
    assert "Nettoyage" not in page.get_by_test_id("programmation-table").inner_text()
    page.get_by_label("Famille d'achat").select_option(value="")
    page.get_by_label("Montant max. (€ HT)").fill("500 000")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**montant_max=**")
    assert "Nettoyage" in page.get_by_test_id("programmation-table").inner_text()
    assert "Tartas" not in page.get_by_test_id("programmation-table").inner_text()


def test_evaluation_draws_trend_charts(live_server, page):
    instance = OrganisationFactory(instance=True)
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance], date_adoption=datetime.date(2024, 3, 1))
    indicateur = IndicateurFactory(objectif__axe__spaser=spaser, manuel=True)
    CibleFactory(indicateur=indicateur, annee=2024, valeur=Decimal("10"))
    UserFactory(username="dcp-nav", role=Role.DCP, organisation=instance)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("dcp-nav")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/spaser/{spaser.pk}/evaluation/?annee=2025")
    canvas = f"document.querySelector('canvas[data-chart=\"indicateur-{indicateur.pk}\"]')"
    page.wait_for_function(f"() => window.Chart && Chart.getChart({canvas})")
    points = page.evaluate(f"() => Chart.getChart({canvas}).data.labels")
    assert points == ["2024", "2025"]
