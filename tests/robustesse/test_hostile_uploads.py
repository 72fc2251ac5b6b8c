"""Every upload form refuses a file over settings.MAX_UPLOAD_SIZE and a file whose extension or content is
not one it expects, with a French message naming the file, and stores nothing (no row, no file)."""

import html
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.enums import Role
from core.validators import fichier_valider
from tests.core.factories import UserFactory
from tests.marches.decp_samples import document, marche_v2
from tests.robustesse.hostile import changed, snapshot

pytestmark = pytest.mark.django_db


def _xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["code", "annee_naissance"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
EXE = b"MZ\x90\x00" + b"\x00" * 100
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
ZIP = b"PK\x03\x04" + b"\x00" * 100
CSV = b"code;annee_naissance\nA1;1985\n"

# (url name, role, extra POST data, a valid upload, hostile uploads)
UPLOADS = {
    "decp": (
        "marches:import_decp",
        Role.DCP,
        {},
        ("ok.json", document(marche_v2())),
        [
            ("decp.csv", CSV, "n'est pas d'un type accepté (JSON, XML)"),
            ("decp.json", ZIP, "n'est pas celui d'un fichier JSON"),
            ("decp.json", EXE, "n'est pas celui d'un fichier JSON"),
            ("decp.xml", PNG, "n'est pas celui d'un fichier XML"),
            ("decp.xml", b"\x00<marches/>", "n'est pas celui d'un fichier XML"),
            ("decp.exe", EXE, "n'est pas d'un type accepté"),
            ("decp", b"{}", "n'est pas d'un type accepté"),
            ("decp.json", b"", "vide"),
        ],
    ),
    "registre": (
        "marches:import_registre",
        Role.DCP,
        {},
        ("registre.xlsx", _xlsx()),
        [
            ("registre.json", b"{}", "n'est pas d'un type accepté (CSV, classeur XLSX)"),
            ("registre.xlsx", CSV, "n'est pas celui d'un fichier classeur XLSX"),
            ("registre.csv", ZIP, "n'est pas celui d'un fichier CSV"),
            ("registre.csv", PDF[:8] + b"\x00", "n'est pas celui d'un fichier CSV"),
            ("registre.csv.exe", EXE, "n'est pas d'un type accepté"),
        ],
    ),
    "facilitateurs": (
        "facilitateurs:import_upload",
        Role.FACILITATEUR,
        {"type": "participants"},
        ("p.csv", CSV),
        [
            ("p.pdf", PDF, "n'est pas d'un type accepté (CSV, classeur XLSX)"),
            ("p.csv", PNG, "n'est pas celui d'un fichier CSV"),
            ("p.xlsx", b"code;annee\n", "n'est pas celui d'un fichier classeur XLSX"),
            ("p.CSV", EXE, "n'est pas celui d'un fichier CSV"),
        ],
    ),
}


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _post(client, url, data, name, content):
    return client.post(reverse(url), data | {"fichier": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("kind", sorted(UPLOADS))
def test_hostile_uploads_are_refused_and_nothing_is_stored(client, settings, kind):
    url, role, data, _, hostiles = UPLOADS[kind]
    client.force_login(UserFactory(role=role))
    for name, content, message in hostiles:
        before = snapshot()
        response = _post(client, url, data, name, content)
        assert response.status_code == 200, name
        errors = response.context["form"].errors["fichier"]
        assert len(errors) == 1 and message in errors[0], (name, errors)
        assert f"« {name} »" in errors[0] or errors[0] == "Le fichier soumis est vide.", errors
        assert changed(before, snapshot()) == {}
        assert _stored_files(settings) == []


@pytest.mark.parametrize("kind", sorted(UPLOADS))
def test_upload_over_the_size_limit_is_refused(client, settings, kind):
    url, role, data, (name, content), _ = UPLOADS[kind]
    client.force_login(UserFactory(role=role))
    settings.MAX_UPLOAD_SIZE = len(content) - 1
    before = snapshot()
    response = _post(client, url, data, name, content)
    assert response.status_code == 200
    [error] = response.context["form"].errors["fichier"]
    assert error.startswith(f"Le fichier « {name} » pèse ") and "la taille maximale est" in error
    assert changed(before, snapshot()) == {}
    assert _stored_files(settings) == []
    settings.MAX_UPLOAD_SIZE = len(content)  # the same file at the limit goes through
    response = _post(client, url, data, name, content)
    assert response.status_code in (200, 302)
    assert "fichier" not in (response.context["form"].errors if response.status_code == 200 else {})


def test_valid_decp_with_bom_and_xml_pass_the_validator():
    for name, content in (
        ("a.json", b"\xef\xbb\xbf  " + document(marche_v2())),
        ("a.xml", b'<?xml version="1.0"?><marches/>'),
        ("a.json", json.dumps([]).encode()),
    ):
        fichier = SimpleUploadedFile(name, content)
        fichier.read(1)  # wherever the caller left it, the validator puts it back there
        assert fichier_valider(fichier, (".json", ".xml")) is None
        assert fichier.tell() == 1
        fichier.seek(0)
        assert fichier.read() == content  # nothing consumed: the importer reads the whole file
    # The same contents under each other's extension are refused on their first bytes.
    for name, content in (("a.xml", b"\xef\xbb\xbf  " + document(marche_v2())),
                          ("a.json", b'<?xml version="1.0"?><marches/>')):
        with pytest.raises(ValidationError) as refus:
            fichier_valider(SimpleUploadedFile(name, content), (".json", ".xml"))
        assert refus.value.code == "contenu"


# --- Request bodies refused from their Content-Length, before they are read (core.middleware) ------------------


def _post_annonce(client, url, taille, corps=b"x", content_type="application/x-www-form-urlencoded"):
    """POST announcing `taille` bytes but sending `corps`: a body read past `corps` would raise in the test
    client's FakePayload, so a 413 proves the body was refused unread."""
    return client.generic("POST", url, corps, content_type=content_type, CONTENT_LENGTH=str(taille))


def test_a_huge_anonymous_post_is_refused_before_being_read(client):
    before = snapshot()
    response = _post_annonce(client, reverse("login"), 300 * 1024 * 1024)
    assert response.status_code == 413
    texte = html.unescape(response.content.decode())
    assert "Requête trop volumineuse" in texte and "300,0 Mio" in texte and "Rien n'a été enregistré" in texte
    assert response["Connection"] == "close"
    assert changed(before, snapshot()) == {}


def test_the_limits_depend_on_who_asks_and_on_the_view(client, settings):
    settings.REQUETE_ANONYME_TAILLE_MAX = 10_000
    settings.REQUETE_TAILLE_MAX = 100_000
    settings.MAX_UPLOAD_SIZE = 500_000
    login = reverse("login")
    assert _post_annonce(client, login, 10_001).status_code == 413
    corps = b"username=x&password=y&" + b"a" * (10_000 - 22)
    assert client.generic("POST", login, corps, content_type="application/x-www-form-urlencoded").status_code != 413
    client.force_login(UserFactory(role=Role.DCP))
    # A page without file: the form limit; an upload view: the import limit plus the form around the file.
    assert _post_annonce(client, reverse("core:home"), 100_001).status_code == 413
    upload_max = 500_000 + 1024 * 1024
    assert _post_annonce(client, reverse("marches:import_registre"), upload_max + 1).status_code == 413
    # A real file just under the upload limit but above the form limit reaches the form's own checks.
    response = _post(client, "marches:import_registre", {}, "registre.json", b"{}" + b" " * 200_000)
    assert response.status_code == 200 and response.context["form"].errors["fichier"]


@pytest.mark.parametrize("valeur", ["abc", "²", "-1", "1e9"])
def test_an_invalid_content_length_is_refused(client, valeur):
    response = client.generic("POST", reverse("login"), b"x", content_type="text/plain", CONTENT_LENGTH=valeur)
    assert response.status_code == 400
    assert "Content-Length" in response.content.decode()
