"""A facilitator, on a 390 px phone, adds a participant to an FSE+ operation with the entry questionnaire
(a sensitive answer left as « Ne souhaite pas répondre »), in headless Chromium: no sideways scroll, no axe-core
violation, and the answers are saved with their author."""

import datetime
from decimal import Decimal

import pytest

from core.enums import Role
from fse.models import OperationFSE, ParticipationFSE
from tests.browser.a11y import LAPTOP_WIDTH, PHONE_WIDTH, axe_violations, overflow
from tests.browser.connexion import connecter
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ConventionFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verifier(page):
    """No sideways scroll at the phone's width, no WCAG A/AA violation (read at the laptop's width, menu unfolded)."""
    problemes = overflow(page, PHONE_WIDTH)
    page.set_viewport_size({"width": LAPTOP_WIDTH, "height": 844})
    try:
        problemes += axe_violations(page)
    finally:
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    assert not problemes, f"{page.url}:\n" + "\n".join(problemes)


def test_a_facilitator_fills_an_entry_questionnaire_on_a_phone(live_server, page):
    instance = OrganisationFactory(instance=True)
    facilitateur = UserFactory(username="fse-phone", role=Role.FACILITATEUR, organisation=instance)
    convention = ConventionFactory(partenaire=OrganisationFactory(partenaire=True, nom="Ville de Dax"),
                                   intitule="Clauses de Dax 2026")
    operation = OperationFSE.objects.create(
        reference="FSE-40-2026", intitule="Parcours vers l'emploi des Landes", date_debut=datetime.date(2026, 1, 1),
        date_fin=datetime.date(2027, 12, 31), montant_fse=Decimal("150000"))
    operation.conventions.add(convention)
    participant = ParticipantFactory(code="P-TEL-0042", annee_naissance=1999)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    connecter(page, live_server, "fse-phone")

    page.goto(f"{live_server.url}/fse/operations/", wait_until="load")
    _verifier(page)
    page.get_by_role("link", name="FSE-40-2026").click()
    page.get_by_role("link", name="Ajouter un participant").click()
    page.get_by_label("Code du participant").wait_for()
    page.wait_for_load_state("load")
    _verifier(page)

    page.get_by_label("Code du participant").fill("P-TEL-0042")
    page.get_by_label("Date d'entrée").fill("2026-03-02")
    page.get_by_label("Informé(e) du traitement des données le").fill("2026-03-02")
    page.get_by_label("Convention du partenaire").select_option(label="Ville de Dax · Clauses de Dax 2026")
    situation = page.get_by_role("group", name="Situation sur le marché du travail à l'entrée")
    situation.get_by_label("Chômeur de longue durée").check()
    page.get_by_role("group", name="Niveau d'éducation à l'entrée").get_by_label("CITE 0 à 2", exact=False).check()
    page.get_by_role("group", name="Personne handicapée").get_by_label("Ne souhaite pas répondre").check()
    page.get_by_role("group", name="Réside dans une zone rurale").get_by_label("Oui").check()
    _verifier(page)
    page.get_by_role("button", name="Enregistrer l'entrée").click()

    page.get_by_text("Entrée de P-TEL-0042 dans l'opération enregistrée.").wait_for()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("participations").get_by_role("rowheader", name="P-TEL-0042").is_visible()
    _verifier(page)
    participation = ParticipationFSE.objects.get(operation=operation, participant=participant)
    assert (participation.situation_entree, participation.niveau_education, participation.handicap,
            participation.zone_rurale, participation.pays_tiers) == ("chomeur_ld", "cite_0_2", "nspr", "oui", "")
    assert participation.convention == convention
    assert participation.history.get().history_user == facilitateur
