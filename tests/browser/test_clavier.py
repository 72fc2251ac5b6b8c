"""Keyboard only (Tab, Shift+Tab, Enter, typing; no mouse): log in, filter the contracts list, send a form with
errors, and check where the focus lands each time (RGAA 7.1 / 12.8, WCAG 2.1.1, 2.4.3, 3.3.1)."""

import pytest

from core.enums import Role
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.factories import MarcheFactory

from .a11y import LAPTOP_WIDTH, donnees_des_migrations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, id: e.id, name: e.getAttribute('name'), text: (e.innerText || e.value || '').trim(),
          type: e.getAttribute('type'), resume: e.hasAttribute('data-erreurs-resume'),
          resultats: e.hasAttribute('data-resultats'), role: e.getAttribute('role'),
          href: e.getAttribute('href'), inMainPostForm: !!e.closest('main form[method=post]')};
}"""


def tab_until(page, predicate, what, shift=False, limit=80):
    """Press Tab (Shift+Tab) until the focused element satisfies `predicate`; fail naming `what`."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        active = page.evaluate(ACTIVE)
        if predicate(active):
            return active
        seen.append(f"{active['tag']}#{active['id']} {active['text'][:30]!r}")
    pytest.fail(f"{what} never got the focus by keyboard; focus went through: {seen}")


def test_keyboard_only_login_filter_and_form_errors(live_server, browser):
    donnees_des_migrations()  # a previous test's flush removed them
    instance = OrganisationFactory(instance=True)
    UserFactory(username="kb-dcp", role=Role.DCP, organisation=instance)
    MarcheFactory(acheteur=instance, objet="Travaux de réfection de la voirie")
    MarcheFactory(acheteur=instance, objet="Nettoyage des locaux")
    context = browser.new_context(locale="fr-FR", viewport={"width": LAPTOP_WIDTH, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{live_server.url}/connexion/")
        tab_until(page, lambda a: a["id"] == "id_username", "the user name field")
        page.keyboard.type("kb-dcp")
        tab_until(page, lambda a: a["id"] == "id_password", "the password field")
        page.keyboard.type("demo")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{live_server.url}/"

        # The menu, by keyboard: "Marchés".
        tab_until(page, lambda a: a["tag"] == "A" and a["text"] == "Marchés", "the menu's 'Marchés' link")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/marches/")

        # Filter: type in the search field, Enter; the focus lands on the results' heading (count).
        tab_until(page, lambda a: a["name"] == "q", "the contracts search field")
        page.keyboard.type("réfection")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "q=r%C3%A9fection" in page.url or "q=réfection" in page.url
        active = page.evaluate(ACTIVE)
        assert active["resultats"], f"after filtering, the focus is on {active}, not on the results"
        assert active["text"] == "1 marché", active

        # A form sent with errors: the focus lands on the errors summary, announced (role=alert), title prefixed.
        tab_until(page, lambda a: a["text"] == "Nouveau marché", "the 'Nouveau marché' button", shift=True)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/marches/nouveau/")
        tab_until(
            page, lambda a: a["inMainPostForm"] and a["type"] == "submit", "the form's submit button"
        )
        with page.expect_navigation():
            page.keyboard.press("Enter")
        active = page.evaluate(ACTIVE)
        assert active["resume"] and active["role"] == "alert", f"after the errors, the focus is on {active}"
        assert "erreur" in active["text"]
        assert page.title().startswith("Erreur – ")

        # From the summary, Tab then Enter on its first link puts the focus in the field at fault.
        page.keyboard.press("Tab")
        link = page.evaluate(ACTIVE)
        assert link["tag"] == "A" and link["href"].startswith("#"), f"the summary's first link: {link}"
        page.keyboard.press("Enter")
        active = page.evaluate(ACTIVE)
        assert active["id"] == link["href"][1:], f"the summary's link {link['href']} led the focus to {active}"
    finally:
        context.close()
