"""A participant's identity (name, first name, phone, e-mail, address) is for facilitators and administrators
only: every page, export and JSON answer of the permission matrix, fetched as an élu, a partner user, a buyer,
the DCP or an anonymous visitor, holds none of it, not even inside an XLSX or a PDF. The participant works on a
contract of the instance and one of the partner buyer, so pages about those contracts are where it could leak."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from tests.access import build_world, load_access

RULES, _ = load_access()
IDENTITE = {
    "nom": "Zephyrinelle",
    "prenom": "Quirinalde",
    "telephone": "0611223344",
    "email": "quirinalde.secret@exemple.invalid",
    "adresse": "12 impasse du Secret-Bien-Garde",
}
SANS_IDENTITE = ("anonyme", "elu", "partenaire", "acheteur", "dcp", "entreprise")  # entreprise: a company's contact
# Exports and JSON answers beyond the matrix's own query strings.
VARIANTES = {
    "marches:export": ["?format=xlsx", "?format=csv"],
    "bilans:export": [
        "?annee=2025&graphique=" + g for g in ("", "sorties", "heures_public", "heures_entreprise")
    ],
    "bilans:dashboard": ["?annee=2025&acheteur={partenaire}", "?annee=2025"],
}


def _texte(response) -> str:
    """The answer's text, with XLSX/ODS members unzipped and PDF text extracted."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        except Exception:  # a stub file in the world, not a real PDF
            return body.decode("latin-1")
    return body.decode("utf-8", "replace")


@pytest.fixture
def world(db):
    from facilitateurs.models import IdentiteParticipant
    from tests.facilitateurs.factories import HeuresMensuellesFactory

    world = build_world()
    IdentiteParticipant.objects.filter(participant=world.f_participant).update(**IDENTITE)
    for marche in (world.marche, world.f_marche):
        HeuresMensuellesFactory(
            marche=marche, participant=world.f_participant, mois=datetime.date(2025, 9, 1)
        )
    return world


def _fuites(texte: str) -> list[str]:
    texte = texte.lower()
    return [champ for champ, valeur in IDENTITE.items() if valeur.lower() in texte]


def test_the_facilitator_does_see_the_identity(world, client):
    """Control: the marker values are really on the participant's page, so their absence elsewhere means."""
    client.force_login(world.users["facilitateur"])
    response = client.get(reverse("facilitateurs:participant_detail", kwargs={"pk": world.f_participant.pk}))
    assert response.status_code == 200
    assert set(_fuites(_texte(response))) >= {"nom", "prenom"}


@pytest.mark.parametrize("role", SANS_IDENTITE)
def test_no_page_export_or_json_shows_an_identity(role, world, client):
    if role != "anonyme":
        client.force_login(world.users[role])
    fuites, vus = [], 0
    for name, rule in sorted(RULES.items()):
        if rule.method != "get" or name == "logout":
            continue
        base = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
        for query in [rule.query, *VARIANTES.get(name, [])]:
            url = base + query.format(partenaire=world.partenaire.pk)
            response = client.get(url)
            if response.status_code != 200:
                continue
            vus += 1
            if champs := _fuites(_texte(response)):
                fuites.append(f"{url}: {', '.join(champs)}")
    assert vus > 10, f"{role}: only {vus} pages answered 200, the walk is broken"
    assert not fuites, f"{role} reads a participant's identity:\n" + "\n".join(fuites)


@pytest.mark.parametrize("role", ["dcp", "partenaire"])
def test_a_generated_bilan_shows_no_identity(role, world, client, django_capture_on_commit_callbacks):
    """A bilan built for the buyer whose contract the participant works on names no one."""
    from bilans.models import Bilan

    client.force_login(world.users[role])
    acheteur = world.partenaire
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bilans:bilan_demander"), {"annee": 2025, "acheteur": acheteur.pk})
    assert response.status_code == 302, response.content[:500]
    bilan = Bilan.objects.filter(acheteur=acheteur).latest("pk")
    bilan.refresh_from_db()
    assert bilan.fichier, "the bilan was not generated (eager Celery)"
    assert _texte(client.get(reverse("bilans:bilan_telecharger", kwargs={"pk": bilan.pk}))).strip(), (
        "empty PDF"
    )
    for name in ("bilans:bilan_detail", "bilans:bilan_etat", "bilans:bilan_telecharger"):
        response = client.get(reverse(name, kwargs={"pk": bilan.pk}))
        assert response.status_code == 200, name
        assert not _fuites(_texte(response)), name
