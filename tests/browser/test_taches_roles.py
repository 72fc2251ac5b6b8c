"""Each role's main task, driven in Chromium from its home page (issue 14: "what do I do now?")."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from bilans.models import Bilan
from core.models import Direction, Organisation, User
from demo.organisations import seed as seed_core
from facilitateurs.models import MiseEnEmploi
from marches.enums import RoleEntreprise, StatutConformite
from marches.models import Marche
from tests.browser.connexion import connecter
from tests.clauses.factories import ClauseMarcheFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_acheteur_creates_a_contract_from_nouveau_marche(live_server, page):
    seed_core()
    connecter(page, live_server, "acheteur")
    page.get_by_test_id("nouveau-marche").click()
    page.locator("#id_identifiant").fill("2026-NAV-01")
    page.locator("#id_objet").fill("Réfection de la toiture du collège de Tartas")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_selector("text=Marché « 2026-NAV-01 » enregistré")
    marche = Marche.objects.get(identifiant="2026-NAV-01")
    acheteur = User.objects.get(username="acheteur")
    assert (marche.acheteur_id, marche.direction_id) == (acheteur.organisation_id, acheteur.direction_id)
    # Back home, the new contract (not notified yet) is in the buyer's to-do list.
    page.goto(f"{live_server.url}/")
    assert "2026-NAV-01" in page.get_by_test_id("af-brouillons").inner_text()


def test_facilitateur_records_a_placement_picking_the_employer_from_the_contract(live_server, page):
    seed_core()
    marche = MarcheFactory(acheteur=Organisation.objects.get(type="instance"), identifiant="INS-NAV")
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("300"))
    titulaire = EntrepriseFactory(nom="Bâtisseurs landais")
    AttributionFactory(marche=marche, entreprise=titulaire, role=RoleEntreprise.TITULAIRE)
    participant = ParticipantFactory(code="NAV-001")
    connecter(page, live_server, "facilitateur")
    page.get_by_test_id("home-role").locator("..").get_by_role("link", name="Participants").first.click()
    page.get_by_role("link", name="NAV-001").click()
    page.get_by_text("Ajouter une mise en emploi").click()
    formulaire = page.locator("form[action*='mise-en-emploi']")
    formulaire.locator("[name=marche]").select_option(str(marche.pk))
    employeur = formulaire.get_by_label("Employeur", exact=False).first
    assert "Bâtisseurs landais (Titulaire)" in employeur.inner_text()
    employeur.select_option(titulaire.siret)
    formulaire.locator("[name=modalite]").select_option("EMBAUCHE_DIRECTE")
    formulaire.locator("[name=type_contrat]").select_option("CDDI")
    formulaire.locator("[name=date_debut]").fill("2026-01-05")
    page.get_by_role("button", name="Enregistrer la mise en emploi").click()
    page.wait_for_selector("text=Mise en emploi enregistrée")
    mise = MiseEnEmploi.objects.get(participant=participant)
    assert (mise.marche, mise.entreprise, mise.date_debut) == (marche, titulaire, datetime.date(2026, 1, 5))


def test_dcp_finds_a_contract_missing_an_obligation_from_its_home(live_server, page):
    seed_core()
    manquant = MarcheFactory(acheteur=Organisation.objects.get(type="instance"), identifiant="DCP-MANQUE",
                             objet="Entretien des routes départementales")
    Marche.objects.filter(pk=manquant.pk).update(statut_conformite=StatutConformite.NON_CONFORME)
    MarcheFactory(acheteur=Organisation.objects.get(type="instance"), identifiant="DCP-OK")
    connecter(page, live_server, "dcp")
    page.locator("main").get_by_role("link", name="Marchés", exact=True).first.click()
    page.get_by_label("Conformité 2026").select_option(StatutConformite.NON_CONFORME)
    page.get_by_role("button", name="Filtrer").click()
    assert "DCP-OK" not in page.locator("table").inner_text()
    page.get_by_role("link", name="DCP-MANQUE").click()
    page.wait_for_selector("h1:has-text('Entretien des routes départementales')")


def test_elu_opens_the_latest_bilan_from_its_home(live_server, page):
    seed_core()
    instance = Organisation.objects.get(type="instance")
    bilan = Bilan.objects.create(acheteur=instance, annee=2025, generated_at=timezone.now(),
                                 chiffres=[{"cle": "heures_realisees", "valeur": "17 440 h",
                                            "libelle": "heures d'insertion réalisées en 2025", "definition": ""}])
    bilan.fichier.save("bilan-2025.pdf", ContentFile(b"%PDF-1.4 bilan 2025"))
    connecter(page, live_server, "elu")
    assert "17 440 h" in page.get_by_test_id("bilan-dernier").inner_text()
    with page.expect_download() as telechargement:
        page.get_by_test_id("bilan-dernier-pdf").click()
    assert telechargement.value.suggested_filename == bilan.nom_fichier()


def test_partenaire_opens_its_contracts_from_its_home(live_server, page):
    seed_core()
    partenaire = User.objects.get(username="partenaire").organisation
    MarcheFactory(acheteur=partenaire, identifiant="XL-NAV-01", objet="Réhabilitation de 40 logements")
    MarcheFactory(acheteur=Organisation.objects.get(type="instance"), identifiant="CD40-NAV-01")
    connecter(page, live_server, "partenaire")
    page.locator("main").get_by_role("link", name="Marchés", exact=True).first.click()
    tableau = page.locator("table").inner_text()
    assert "XL-NAV-01" in tableau and "CD40-NAV-01" not in tableau
    page.get_by_role("link", name="XL-NAV-01").click()
    page.wait_for_selector("h1:has-text('Réhabilitation de 40 logements')")


def test_admin_creates_a_user_from_its_home(live_server, page):
    seed_core()
    connecter(page, live_server, "admin")
    page.locator("main").get_by_role("link", name="Utilisateurs", exact=True).first.click()
    page.get_by_role("link", name="Nouvel utilisateur").click()
    page.get_by_label("Nom d’utilisateur").fill("nouvelle.acheteuse")
    page.get_by_label("Prénom").fill("Anne")
    page.get_by_label("Nom", exact=True).fill("Lafitte")
    page.get_by_label("Rôle").select_option("acheteur")
    page.get_by_label("Organisation").select_option(label="Département des Landes")
    page.get_by_label("Direction").select_option(
        str(Direction.objects.get(sigle="DRM").pk))
    page.get_by_label("Mot de passe").fill("Un-mot-de-passe-solide-2026")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("text=Utilisateur « nouvelle.acheteuse » enregistré")
    user = User.objects.get(username="nouvelle.acheteuse")
    assert (user.role, user.direction.sigle, user.check_password("Un-mot-de-passe-solide-2026")) == (
        "acheteur", "DRM", True)
