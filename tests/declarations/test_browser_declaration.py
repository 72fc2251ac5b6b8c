"""In Chromium: a company's contact declares a month with a proof, the facilitator validates it, the hours become
the month's."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.enums import Role
from core.models import Organisation
from declarations.enums import StatutDeclaration
from declarations.models import Declaration
from demo.organisations import seed as seed_core
from facilitateurs.models import HeuresMensuelles, MiseEnEmploi
from facilitateurs.services import add_months, mois_libelle
from tests.browser.connexion import connecter
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import UserFactory
from tests.declarations.factories import PDF, ContactEntrepriseFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_a_company_declares_a_month_and_the_facilitator_validates_it(live_server, page, settings, tmp_path):
    settings.JUSTIFICATIFS_ROOT = tmp_path / "prive"
    seed_core()
    mois = add_months(timezone.localdate().replace(day=1), -2)  # a month of the last year, over
    debut = add_months(mois, -3)
    marche = MarcheFactory(acheteur=Organisation.objects.get(type="instance"), identifiant="DECL-NAV",
                           date_debut=debut, date_fin=add_months(mois, 24))
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("300"))
    entreprise = EntrepriseFactory(nom="Bâti Déclarant")
    AttributionFactory(marche=marche, entreprise=entreprise)
    participant = ParticipantFactory(code="D-001")
    MiseEnEmploi.objects.create(participant=participant, entreprise=entreprise, marche=marche,
                                modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", date_debut=debut)
    ContactEntrepriseFactory(entreprise=entreprise, user=UserFactory(username="contact-nav", role=Role.ENTREPRISE,
                                                                     email="contact-nav@exemple.invalid"))
    page.set_viewport_size({"width": 390, "height": 844})

    connecter(page, live_server.url, "contact-nav")
    page.get_by_role("link", name="DECL-NAV").first.click()
    page.get_by_role("link", name=f"Déclarer {mois_libelle(mois)}").click()
    ligne = page.locator("[data-testid=ligne]").first
    ligne.get_by_label("Personne (code)").select_option(label="D-001")
    ligne.get_by_label("Modalité").select_option("EMBAUCHE_DIRECTE")
    ligne.get_by_label("Type de contrat").select_option("CDD")
    ligne.get_by_label("Heures").fill("87,5")
    page.get_by_label("Justificatifs").set_input_files(
        {"name": "bulletin-septembre.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Envoyer la déclaration au facilitateur").click()
    page.wait_for_selector(f"text=Déclaration de {mois_libelle(mois)} envoyée")
    assert page.locator("[data-testid=statut]").inner_text() == "En attente de validation"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    assert not HeuresMensuelles.objects.exists()

    page.context.clear_cookies()
    connecter(page, live_server.url, "facilitateur")
    page.get_by_role("link", name="Déclarations", exact=True).first.click()
    page.get_by_role("link", name=mois_libelle(mois)).click()
    page.get_by_role("link", name="bulletin-septembre.pdf").wait_for()
    page.get_by_role("button", name="Valider la déclaration").click()
    page.wait_for_selector("text=Déclaration validée")
    assert page.locator("[data-testid=statut]").inner_text() == "Validée"

    declaration = Declaration.objects.get()
    assert declaration.statut == StatutDeclaration.VALIDEE
    heures = HeuresMensuelles.objects.get(participant=participant, mois=mois)
    assert (heures.heures, heures.entreprise) == (Decimal("87.5"), entreprise)
