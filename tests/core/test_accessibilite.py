"""RGAA obligations checked without a browser: the legal pages and their footer links on every page, the errors
summary of a form with errors, the active menu item (the browser tests run axe-core: tests/browser/)."""

import re

import pytest
from django.urls import reverse

from core.accessibilite import AUDIT_ACCESSIBILITE
from core.enums import Role
from tests.core.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dcp(client):
    user = UserFactory(role=Role.DCP, organisation=OrganisationFactory(instance=True))
    client.force_login(user)
    return user


def _footer(html):
    return html[html.index("<footer") :]


@pytest.mark.parametrize("url_name", ["core:accessibilite", "core:mentions_legales", "core:plan_du_site"])
def test_legal_pages_are_public(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_accessibility_statement_follows_the_rgaa_model(client):
    html = client.get(reverse("core:accessibilite")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "partiellement conforme" in text
    assert "RGAA" in text and "4.1" in text
    assert "30 novembre 2026" in text  # date of the audit and of the statement
    assert "axe-core" in text and "clavier" in text  # method
    assert "Contenus non accessibles" in text
    assert "Retour d’information et contact" in text
    # Recourse: the Défenseur des droits, its form, its delegates and its free postal address.
    assert "Défenseur des droits" in text
    assert "formulaire.defenseurdesdroits.fr" in html
    assert "Libre réponse 71120" in text and "75342 Paris CEDEX 07" in text


def test_the_statement_and_the_legal_notice_give_the_configured_contact(client, settings):
    settings.ACCESSIBILITE_CONTACT = "accessibilite@landes.invalid"
    for url_name in ("core:accessibilite", "core:mentions_legales"):
        assert 'href="mailto:accessibilite@landes.invalid"' in client.get(reverse(url_name)).content.decode()


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_page_footer_links_the_statement_the_legal_notice_and_the_site_map(client, logged_in):
    if logged_in:
        client.force_login(UserFactory(role=Role.ACHETEUR, organisation=OrganisationFactory(instance=True)))
        url = reverse("marches:list")
    else:
        url = reverse("login")
    footer = _footer(client.get(url).content.decode())
    assert f'href="{reverse("core:accessibilite")}">Accessibilité : partiellement conforme</a>' in footer
    assert f'href="{reverse("core:mentions_legales")}">Mentions légales</a>' in footer
    assert f'href="{reverse("core:plan_du_site")}">Plan du site</a>' in footer


def test_the_state_of_conformity_is_written_once(client, monkeypatch):
    """The statement, every page's footer (the application's and the administration's) and the legal notice give
    the state of the audit (core/accessibilite.py): a new audit changes them all."""
    monkeypatch.setitem(AUDIT_ACCESSIBILITE, "etat", "totalement conforme")
    lien = f'href="{reverse("core:accessibilite")}">Accessibilité : totalement conforme</a>'
    assert "<strong>totalement conforme</strong>" in client.get(reverse("core:accessibilite")).content.decode()
    assert "(totalement conforme)" in client.get(reverse("core:mentions_legales")).content.decode()
    assert lien in _footer(client.get(reverse("login")).content.decode())
    client.force_login(UserFactory(role=Role.ADMIN, organisation=OrganisationFactory(instance=True)))
    assert lien in client.get(reverse("admin:index")).content.decode()
    assert "partiellement" not in client.get(reverse("core:mentions_legales")).content.decode()


def test_site_map_lists_the_public_site_and_the_users_menu(client, dcp):
    html = client.get(reverse("core:plan_du_site")).content.decode()
    for url_name in ("spaser:public_home", "marches:list", "core:accessibilite", "core:mentions_legales"):
        assert f'href="{reverse(url_name)}"' in html, url_name


def test_active_menu_item_is_marked_aria_current(client, dcp):
    html = client.get(reverse("marches:list")).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', nav)
    assert current == ["Marchés"]


def test_a_form_with_errors_has_a_summary_an_error_title_and_linked_fields(client, dcp):
    response = client.post(reverse("marches:create"), {"objet": ""})
    html = response.content.decode()
    assert re.search(r"<title>Erreur – ", html)
    summary = html[html.index("data-erreurs-resume") - 200 : html.index("data-erreurs-resume") + 3000]
    assert 'role="alert"' in summary
    anchors = re.findall(r'href="#(id_[\w-]+)"', summary)
    assert anchors, "the summary links to the fields at fault"
    for field_id in anchors:
        # Each field named by the summary exists, is marked invalid and points to its error message.
        field = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html)
        assert field, field_id
        assert 'aria-invalid="true"' in field.group(0)
        describedby = re.search(r'aria-describedby="([^"]+)"', field.group(0))
        assert describedby and f"{field_id}_error" in describedby.group(1).split(), field_id
        assert f'id="{field_id}_error"' in html
    assert "Les champs marqués d’un astérisque" in html


def test_a_valid_page_has_no_error_title(client, dcp):
    html = client.get(reverse("marches:create")).content.decode()
    assert not re.search(r"<title>Erreur", html)
    assert "data-erreurs-resume" not in html


def test_contracts_filter_errors_are_tied_to_their_field(client, dcp):
    html = client.get(reverse("marches:list"), {"annee": "pas-une-annee"}).content.decode()
    field = re.search(r'<select[^>]*name="annee"[^>]*>', html)
    assert field and 'aria-invalid="true"' in field.group(0), "the year filter refuses a value not in its list"
    match = re.search(r'aria-describedby="([^"]+)"', field.group(0))
    assert match and all(f'id="{i}"' in html for i in match.group(1).split())
