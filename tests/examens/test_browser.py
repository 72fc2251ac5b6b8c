"""One contract, in a browser, from the opening of its examination to the launch of its consultation, with an
insertion clause decided: the buyer opens it from their home, the facilitator gives an opinion, the DCP decides,
the buyer records the launch. At 390 px wide, as a phone shows it."""

import datetime
from decimal import Decimal

import pytest

from clauses.enums import TypeClause
from core.enums import Role
from examens.enums import StatutExamen
from examens.models import Examen
from tests.browser.a11y import PHONE_WIDTH, overflow
from tests.browser.connexion import connecter
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.examens.factories import MarchePreparationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _connecter(page, live_server, username):
    page.context.clear_cookies()  # the previous party logs out
    connecter(page, live_server, username)


def _sans_debordement(page):
    depassements = overflow(page, PHONE_WIDTH)
    assert not depassements, f"{page.url}: " + "\n".join(depassements)


def test_one_contract_from_opening_to_launch_with_a_clause_decided(live_server, page):
    instance = OrganisationFactory(instance=True)
    direction = DirectionFactory(organisation=instance)
    UserFactory(username="b-acheteur", role=Role.ACHETEUR, organisation=instance, direction=direction)
    UserFactory(username="b-facilitateur", role=Role.FACILITATEUR, organisation=instance)
    UserFactory(username="b-dcp", role=Role.DCP, organisation=instance)
    famille = FamilleAchatFactory(nom="Entretien des espaces verts", prefixes_cpv=["77"])
    lancement = datetime.date.today() + datetime.timedelta(days=30)
    marche = MarchePreparationFactory(acheteur=instance, direction=direction, famille=famille,
                                      identifiant="2026-EV-01", objet="Entretien des espaces verts des collèges",
                                      code_cpv="77310000-6", date_lancement=lancement)
    page.set_viewport_size({"width": 390, "height": 844})

    # The buyer sees the contract to examine on their home and opens the examination.
    _connecter(page, live_server, "b-acheteur")
    page.get_by_role("link", name="Ouvrir l'examen de 2026-EV-01").click()
    page.get_by_label("Environnemental — Une condition d'exécution environnementale").select_option("oui")
    _sans_debordement(page)
    page.get_by_role("button", name="Ouvrir l'examen").click()
    assert page.get_by_test_id("examen-statut").inner_text() == StatutExamen.AVIS.label

    # The facilitator finds it waiting on their home and proposes 350 hours.
    _connecter(page, live_server, "b-facilitateur")
    page.get_by_test_id("examens-a-faire").get_by_role("link", name="2026-EV-01").click()
    avis = page.get_by_role("form", name="Avis du facilitateur")
    avis.get_by_label("Oui, une clause est proposée").check()
    avis.get_by_label("Clause d'insertion (heures)").check()
    avis.get_by_label("Heures d'insertion proposées").fill("350")
    avis.get_by_label("Contexte local de l'emploi").fill("Deux ACI d'espaces verts dans le secteur.")
    _sans_debordement(page)
    avis.get_by_role("button", name="Enregistrer l'avis").click()
    assert page.get_by_test_id("examen-statut").inner_text() == StatutExamen.DECISION.label

    # The DCP decides the insertion clause (the facilitator's hours as a starting point) and an environmental
    # execution condition.
    _connecter(page, live_server, "b-dcp")
    page.get_by_test_id("examens-a-faire").get_by_role("link", name="2026-EV-01").click()
    decision = page.get_by_role("form", name="Décision de la DCP")
    assert decision.get_by_label("Condition d'exécution — insertion (clause sociale)").is_checked()
    decision.get_by_label("Condition d'exécution environnementale").check()
    _sans_debordement(page)
    decision.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_test_id("examen-statut").inner_text() == StatutExamen.LANCEMENT.label

    # The buyer records the launch.
    _connecter(page, live_server, "b-acheteur")
    page.get_by_test_id("examens-a-faire").get_by_role("link", name="2026-EV-01").click()
    page.get_by_role("form", name="Lancement de la consultation").get_by_role(
        "button", name="Enregistrer le lancement").click()
    assert page.get_by_test_id("examen-statut").inner_text() == StatutExamen.LANCE.label
    _sans_debordement(page)

    examen = Examen.objects.get(marche=marche)
    marche.refresh_from_db()
    assert examen.statut == StatutExamen.LANCE and marche.date_lancement == datetime.date.today()
    clauses = {c.type_clause: c for c in marche.clauses.all()}
    assert set(clauses) == {TypeClause.INSERTION, TypeClause.CONDITION_ENVIRONNEMENTALE}
    assert clauses[TypeClause.INSERTION].heures_requises == Decimal("350")
    assert marche.clause_sociale and marche.clause_environnementale
    assert [h.history_user.username for h in examen.history.order_by("history_date", "history_id")] == [
        "b-acheteur", "b-facilitateur", "b-dcp", "b-acheteur"]
