"""Headers of every page (core/entetes.py): the Content-Security-Policy on every URL of the access matrix, no inline
script, style or event handler in any page it serves (the CSP would block them: the page would silently break),
`Cache-Control: no-store` on every answer to a logged-in user (participants' identities), and proxy headers
believed only from the trusted proxy.

The pages come from the access matrix (tests/access.py): each URL once, GET, as the first role the matrix gives a
200 (else as anonymous), so a new URL with its matrix row is covered without touching this file."""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from core.entetes import CONTENT_SECURITY_POLICY, EntetesMiddleware, adresse_client
from tests.access import ROLES, load_access
from tests.core.factories import UserFactory
from tests.test_access_matrix import _module_world, world  # noqa: F401 (the matrix's world, built once)

RULES, _ = load_access()
ORDRE = ("admin", "dcp", "acheteur", "facilitateur", "elu", "partenaire", *ROLES)
# Django's own administration templates are not ours (one <style> in the change list); the CSP is still sent.
HORS_CONTROLE_INLINE = ("/administration/",)
SCRIPTS_DONNEES = {"application/json", "application/ld+json"}


def _role_pour(rule) -> str:
    for role in ORDRE:
        attendu = rule.expected.get(role)
        attendu = attendu if isinstance(attendu, tuple | set | frozenset) else (attendu,)
        if 200 in attendu:
            return role
    return "anonyme"


class _Inline(HTMLParser):
    """What a `script-src 'self'; style-src 'self'` policy blocks in a page."""

    def __init__(self):
        super().__init__()
        self.problemes = []

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        if tag == "script" and not attributs.get("src") and attributs.get("type") not in SCRIPTS_DONNEES:
            self.problemes.append(f"<script> inline ({self.getpos()})")
        if tag == "style":
            self.problemes.append(f"<style> inline ({self.getpos()})")
        for nom, valeur in attrs:
            if nom == "style":
                self.problemes.append(f'<{tag} style="{valeur}">')
            elif nom.startswith("on"):
                self.problemes.append(f'<{tag} {nom}="{valeur}">')
            elif nom in ("href", "src", "action") and (valeur or "").strip().lower().startswith("javascript:"):
                self.problemes.append(f'<{tag} {nom}="{valeur}">')


def inline_bloque(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.problemes


def test_the_parser_finds_what_the_policy_blocks():
    """Control: the check below would see each kind of inline code."""
    html = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json" id="d">{"a": 1}</script><style>p{}</style>'
        '<div style="width: 5%"></div><form onsubmit="return confirm(1)"></form><a href="javascript:void(0)">x</a>'
    )
    assert len(inline_bloque(html)) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(name for name, rule in RULES.items() if rule.method == "get"))
def test_every_page_has_the_csp_and_no_inline_code(url_name, world):  # noqa: F811
    rule = RULES[url_name]
    role = _role_pour(rule)
    client = Client()
    if role != "anonyme":
        client.force_login(world.users[role])
    url = reverse(url_name, kwargs=rule.kwargs(world) if rule.kwargs else None) + rule.query
    if rule.data:
        url += ("&" if "?" in url else "?") + urlencode(rule.data(world), doseq=True)
    response = client.get(url)
    politique = response["Content-Security-Policy"]
    # A view may send a stricter policy of its own: a user's uploaded file is served sandboxed.
    assert politique == CONTENT_SECURITY_POLICY or politique.startswith("sandbox"), (url, politique)
    if role != "anonyme":
        assert "no-store" in response["Cache-Control"], (url, response.get("Cache-Control"))
        assert "public" not in response["Cache-Control"]
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        if not url.startswith(HORS_CONTROLE_INLINE):
            html = b"".join(response.streaming_content) if response.streaming else response.content
            assert inline_bloque(html.decode()) == [], f"{url} ({role})"


def test_the_policy_allows_scripts_and_styles_from_the_site_only():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_errors_and_the_lockout_page_have_the_csp_too(settings):
    response = Client().get("/cette-page-n-existe-pas/")
    assert response.status_code in (302, 404)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    UserFactory(username="cible")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "cible", "password": "faux"})
    assert response.status_code == 429
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_anonymous_public_pages_may_be_cached_a_logged_in_page_may_not():
    assert "no-store" not in Client().get(reverse("health")).get("Cache-Control", "")
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("core:home"))["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_x_forwarded_proto_is_believed_only_from_the_trusted_proxy(settings):
    """Production's SECURE_PROXY_SSL_HEADER: a client reaching gunicorn directly cannot claim HTTPS."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.PROXIES_DE_CONFIANCE = ["10.20.0.10"]
    direct = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_PROTO="https")
    response = direct.get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    proxy = Client(REMOTE_ADDR="10.20.0.10", HTTP_X_FORWARDED_PROTO="https")
    assert proxy.get(reverse("login")).status_code == 200
    # The proxy's plain-HTTP requests (its own port 80 answers the redirect itself) would still be redirected.
    assert Client(REMOTE_ADDR="10.20.0.10", HTTP_X_FORWARDED_PROTO="http").get(reverse("login")).status_code == 301


def test_a_wrong_trusted_proxy_stops_the_start(settings):
    settings.PROXIES_DE_CONFIANCE = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        EntetesMiddleware(lambda request: None)


def test_the_client_address_comes_from_the_proxy_only_when_it_is_trusted(settings):
    settings.PROXIES_DE_CONFIANCE = ["10.20.0.0/24"]
    fabrique = RequestFactory()
    via_proxy = fabrique.get("/", REMOTE_ADDR="10.20.0.10", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
    assert adresse_client(via_proxy) == "198.51.100.7"
    assert adresse_client(fabrique.get("/", REMOTE_ADDR="10.20.0.10", HTTP_X_FORWARDED_FOR="n'importe quoi")) == "10.20.0.10"
    assert adresse_client(fabrique.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.1")) == "198.51.100.9"
