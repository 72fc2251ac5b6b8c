import pytest

from demo.organisations import ACCOUNTS
from demo.organisations import seed as seed_core

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_demo_role_logs_in_and_sees_its_home(live_server, page):
    seed_core()
    for username, *_rest in ACCOUNTS:
        page.goto(f"{live_server.url}/")
        assert "/connexion/" in page.url
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill("demo")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_selector("[data-testid=home-role]")
        assert page.locator("[data-testid=home-role]").get_attribute("data-role") == username
        assert "Se déconnecter" in page.content()
        page.locator("nav.navbar .navbar-utilisateur").click()  # the account menu holds the logout button
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url("**/connexion/")


def test_wrong_password_shows_a_french_error(live_server, page):
    seed_core()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("dcp")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").inner_text().startswith("Identifiant ou mot de passe incorrect")
