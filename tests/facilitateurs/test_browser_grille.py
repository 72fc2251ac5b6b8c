import datetime
from decimal import Decimal

import pytest

from core.models import Organisation
from demo.organisations import seed as seed_core
from facilitateurs.models import HeuresMensuelles, MiseEnEmploi
from tests.browser.connexion import connecter
from tests.clauses.factories import ClauseMarcheFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_records_a_month_in_the_grid(live_server, page):
    seed_core()
    marche = MarcheFactory(acheteur=Organisation.objects.get(type="instance"), identifiant="GRILLE1")
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("300"))
    entreprise = EntrepriseFactory(nom="Bâti Grille")
    AttributionFactory(marche=marche, entreprise=entreprise)
    participant = ParticipantFactory(code="G-001")
    MiseEnEmploi.objects.create(participant=participant, entreprise=entreprise, marche=marche,
                                modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", date_debut=datetime.date(2025, 8, 1))
    connecter(page, live_server, "facilitateur")
    page.get_by_role("link", name="Suivi de l'insertion").first.click()
    page.get_by_role("row", name="GRILLE1").get_by_role("link", name="Saisir les heures").click()
    page.goto(page.url.split("?")[0] + "?mois=2025-09")
    row = page.locator("[data-testid=grille] tbody tr").first
    assert row.locator("input[name$=participant_code]").input_value() == "G-001"
    row.locator("input[name$=-heures]").fill("87,5")
    page.get_by_role("button", name="Enregistrer le relevé").click()
    page.wait_for_selector("text=Relevé de 09/2025 enregistré")
    assert HeuresMensuelles.objects.get(participant=participant).heures == Decimal("87.5")
