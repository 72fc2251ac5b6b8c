"""Hostile participants and hours files fed to facilitateurs.imports (import_participants, import_heures):
random bytes under a .csv or .xlsx name, and valid rows with mutated cells. Never an exception; a refused
file writes nothing and names file, row and column; an accepted file stores what it holds."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import assume, event, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from facilitateurs.imports import COLONNES_HEURES, COLONNES_PARTICIPANTS, import_heures, import_participants
from facilitateurs.models import HeuresMensuelles, Participant
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory
from tests.robustesse.hostile import HOSTILE, changed, rolled_back, snapshot, weird_cell

pytestmark = pytest.mark.django_db

PARTICIPANT = {
    "code": "HX1",
    "annee_naissance": "1985",
    "sexe": "F",
    "code_postal": "40000",
    "qpv": "oui",
    "publics": "DELD|RSA",
    "date_eligibilite": "2026-01-15",
}
CELLS = st.one_of(
    weird_cell,
    st.sampled_from(
        [
            "1899",
            "2999",
            "9" * 30,
            "744",
            "744.01",
            "1e3",
            "-0,5",
            "oui",
            "EMBAUCHE_DIRECTE",
            "SOUS_TRAITANCE_SIAE",
            "CDD",
            "13/2026",
            "2026-00",
            "0/2026",
            "2026-01-32",
            "1" * 31,
        ]
    ),
)


@pytest.fixture
def ctx():
    acheteur = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=acheteur, identifiant="HX-M1")
    entreprise = EntrepriseFactory(code_postal="")
    ParticipantFactory(code="HX-P1")
    heures = {
        "acheteur_siret": acheteur.siret,
        "marche_id": marche.identifiant,
        "entreprise_siret": entreprise.siret,
        "entreprise_nom": "Bâti Sud",
        "entreprise_code_postal": "40100",
        "participant_code": "HX-P1",
        "mois": "2026-01",
        "heures": "35,5",
        "modalite": "EMBAUCHE_DIRECTE",
        "type_contrat": "CDD",
        "montant_ht": "",
    }
    return {"user": UserFactory(role="facilitateur"), "heures": heures, "marche": marche}


def write(path, columns, rows, xlsx: bool):
    if xlsx:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") for c in columns])
        workbook.save(path)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
        path.write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    return str(path)


def check(importer, path, nom, user):
    before = snapshot()
    resultat = importer(path, user=user, nom=nom)
    after = snapshot()
    event("refusé" if resultat.erreurs else "accepté")
    if resultat.erreurs:
        assert not resultat.enregistre
        assert changed(before, after) == {}
        for message in resultat.messages_erreurs():
            assert message.startswith((f"{nom} : ligne ", f"{nom} : fichier : ")), message
        for erreur in resultat.erreurs:
            assert erreur.raison and (erreur.colonne or erreur.ligne is None)  # a whole-file problem names no column
    else:
        assert resultat.enregistre
        assert after["core.ImportJournal"] == before["core.ImportJournal"] + 1
    return resultat


@HOSTILE
@given(
    data=st.binary(max_size=2000),
    extension=st.sampled_from([".csv", ".xlsx"]),
    kind=st.sampled_from(["heures", "participants"]),
)
def test_random_bytes(ctx, tmp_path, data, extension, kind):
    path = tmp_path / f"octets{extension}"
    path.write_bytes(data)
    importer = import_heures if kind == "heures" else import_participants
    with rolled_back():
        resultat = check(importer, str(path), path.name, ctx["user"])
    assert resultat.erreurs


@HOSTILE
@given(
    mutation=st.dictionaries(st.sampled_from(COLONNES_PARTICIPANTS), CELLS, min_size=1, max_size=3),
    missing=st.sets(st.sampled_from(COLONNES_PARTICIPANTS), max_size=1),
    doubled=st.booleans(),
    xlsx=st.booleans(),
)
def test_mutated_participants(ctx, tmp_path, mutation, missing, doubled, xlsx):
    row = PARTICIPANT | mutation
    columns = [c for c in COLONNES_PARTICIPANTS if c not in missing]
    nom = "participants.xlsx" if xlsx else "participants.csv"
    try:
        path = write(tmp_path / nom, columns, [row, row] if doubled else [row], xlsx)
    except IllegalCharacterError:
        assume(False)
    with rolled_back():
        resultat = check(import_participants, path, nom, ctx["user"])
        if doubled and not missing and resultat.erreurs:
            assert any(
                e.colonne == "code" and "déjà présent ligne 2" in e.raison for e in resultat.erreurs
            ) or any(e.ligne == 2 for e in resultat.erreurs)
        if not resultat.erreurs:
            participant = Participant.objects.get(code=str(row["code"]).strip())
            assert participant.sexe == (str(row["sexe"]).strip().upper() or "X")
            if str(row["annee_naissance"]).strip():
                assert participant.annee_naissance == int(str(row["annee_naissance"]).strip())


@HOSTILE
@given(
    mutation=st.dictionaries(
        st.sampled_from(COLONNES_HEURES + ["montant_ht"]), CELLS, min_size=1, max_size=3
    ),
    missing=st.sets(st.sampled_from(COLONNES_HEURES), max_size=1),
    doubled=st.booleans(),
    xlsx=st.booleans(),
)
def test_mutated_hours(ctx, tmp_path, mutation, missing, doubled, xlsx):
    row = ctx["heures"] | mutation
    columns = [c for c in COLONNES_HEURES + ["montant_ht"] if c not in missing]
    nom = "heures.xlsx" if xlsx else "heures.csv"
    try:
        path = write(tmp_path / nom, columns, [row, row] if doubled else [row], xlsx)
    except IllegalCharacterError:
        assume(False)
    with rolled_back():
        resultat = check(import_heures, path, nom, ctx["user"])
        if not resultat.erreurs:
            ligne = HeuresMensuelles.objects.get(marche=ctx["marche"])
            heures = str(row["heures"]).strip().replace(",", ".").replace(" ", "")
            assert ligne.heures == Decimal(heures or "0").quantize(Decimal("0.01"))


def test_huge_and_invisible_values_are_refused_with_their_place(ctx, tmp_path):
    path = write(
        tmp_path / "h.csv",
        COLONNES_HEURES + ["montant_ht"],
        [
            ctx["heures"]
            | {
                "modalite": "SOUS_TRAITANCE_SIAE",
                "participant_code": "",
                "montant_ht": "1e20",
                "entreprise_nom": "a\x00b",
            },
            ctx["heures"] | {"marche_id": "autre", "entreprise_nom": "x" * 256},
        ],
        xlsx=False,
    )
    before = snapshot()
    resultat = import_heures(path, user=ctx["user"], nom="h.csv")
    assert changed(before, snapshot()) == {}
    assert {(e.ligne, e.colonne) for e in resultat.erreurs} == {
        (2, "montant_ht"),
        (2, "entreprise_nom"),
        (3, "entreprise_nom"),
    }
    path = write(
        tmp_path / "p.csv",
        COLONNES_PARTICIPANTS,
        [PARTICIPANT | {"annee_naissance": "²²", "code": "A\x00"}],
        xlsx=False,
    )
    resultat = import_participants(path, user=ctx["user"], nom="p.csv")
    assert {(e.ligne, e.colonne) for e in resultat.erreurs} == {(2, "annee_naissance"), (2, "code")}
    assert changed(before, snapshot()) == {}


# --- Participant codes: they name the personal-data export's file ---------------------------------------------

CODES_HOSTILES = ['A"B', "A\nB", "A\r\nB", "A B", "A;B", "../x", "x" * 31, "_x", "a'b"]


@pytest.mark.parametrize("code", CODES_HOSTILES)
def test_a_hostile_participant_code_is_refused_by_the_form_and_the_import(code, ctx, tmp_path):
    from facilitateurs.forms import ParticipantForm

    form = ParticipantForm(data={"code": code, "annee_naissance": "1985", "sexe": "F", "code_postal": "40000"})
    assert not form.is_valid() and "code" in form.errors, code
    ligne = {"code": code, "annee_naissance": "1985", "sexe": "F", "code_postal": "40000", "qpv": "non"}
    path = write(tmp_path / "p.csv", COLONNES_PARTICIPANTS, [ligne], xlsx=False)
    before = snapshot()
    resultat = import_participants(path, user=ctx["user"], nom="p.csv")
    assert changed(before, snapshot()) == {}
    assert [e.colonne for e in resultat.erreurs] == ["code"], resultat.messages_erreurs()
    assert not Participant.objects.filter(code=code).exists()


def test_good_codes_pass():
    from facilitateurs.forms import ParticipantForm

    for code in ("P-0001", "ab_12.3", "Z" * 30, "É1"):
        form = ParticipantForm(data={"code": code, "annee_naissance": "1985", "sexe": "F", "code_postal": "40000"})
        assert "code" not in form.errors, (code, form.errors)


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_the_export_of_a_participant_with_a_stored_hostile_code_has_a_valid_header(fmt, client):
    """A code stored before the validation existed still gets its export: the header is built by Django's helper."""
    participant = ParticipantFactory(code='A"B\r\nSet-Cookie: x=1')
    client.force_login(UserFactory(role="facilitateur"))
    response = client.get(reverse("facilitateurs:participant_export", kwargs={"pk": participant.pk}), {"format": fmt})
    assert response.status_code == 200
    entete = response["Content-Disposition"]
    assert entete == f"attachment; filename*=utf-8''participant-A%22B%0D%0ASet-Cookie%3A%20x%3D1.{fmt}"


# --- Hostile spreadsheets through the upload -> preview pages ---------------------------------------------------


def _xlsx_dimension(rows, dimension) -> bytes:
    """An XLSX whose sheet declares `dimension` (e.g. the whole sheet), as a hostile file would."""
    import re
    import zipfile

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension ref=\"[^\"]*\" ?/>", f'<dimension ref="{dimension}"/>'.encode(), data)
                if b"<dimension" not in data:
                    data = data.replace(b"<sheetData", f'<dimension ref="{dimension}"/><sheetData'.encode(), 1)
                assert dimension.encode() in data
            archive.writestr(info, data)
    return out.getvalue()


def _upload(client, nom, contenu):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("facilitateurs:import_upload"),
                           {"type": "participants", "fichier": SimpleUploadedFile(nom, contenu)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_an_xlsx_declaring_the_whole_sheet_is_previewed_at_its_real_size(client, ctx):
    rows = [COLONNES_PARTICIPANTS] + [[f"DIM-{i}", "1985", "F", "40000", "non", "", ""] for i in range(3)]
    contenu = _xlsx_dimension(rows, "A1:XFD1048576")
    client.force_login(ctx["user"])
    response = client.get(_upload(client, "bombe.xlsx", contenu))
    resultat = response.context["resultat"]
    assert resultat.lignes == 3 and not resultat.erreurs, resultat.messages_erreurs()


def test_a_file_full_of_errors_shows_the_first_ones_and_is_parsed_once(client, ctx, monkeypatch, settings):
    from facilitateurs import imports

    settings.IMPORT_ERREURS_MAX = 1000
    lignes = "\n".join(f"E{i};1700;Z;;;;" for i in range(400))
    contenu = (";".join(COLONNES_PARTICIPANTS) + "\n" + lignes + "\n").encode()
    appels = []
    vrai = imports.import_participants
    monkeypatch.setattr(imports, "import_participants", lambda *a, **k: appels.append(1) or vrai(*a, **k))
    client.force_login(ctx["user"])
    location = _upload(client, "erreurs.csv", contenu)
    premiere = client.get(location)
    erreurs = premiere.context["resultat"].erreurs
    assert len(erreurs) > 100
    assert len(premiere.context["erreurs_affichees"]) == 100
    texte = premiere.content.decode()
    assert f"et {len(erreurs) - 100} autres erreurs" in texte.replace("\u202f", "")
    client.get(location)
    client.get(location)
    assert len(appels) == 1  # the preview's reloads do not parse the file again
