"""Ids guessed in the query string: a partner user who puts another buyer's ids (organisation, direction,
convention, contract, company, scheme) in any page, export or JSON answer of the permission matrix never reads
that buyer's data. Markers: the other buyers' contract identifiers, company names, direction and scheme titles."""

import html
import io
import zipfile

import pytest
from django.urls import reverse

from tests.access import build_world, load_access

RULES, _ = load_access()


def _texte(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return html.unescape(body.decode("utf-8", "replace"))


@pytest.fixture
def world(db):
    from tests.core.factories import DirectionFactory

    world = build_world()
    world.direction_b = DirectionFactory(
        organisation=world.autre_partenaire, nom="Direction Quetzalcoatl B", sigle="DQUETZB"
    )
    world.autre_direction.sigle = "DXOLOTL"
    world.autre_direction.save()
    for attr, identifiant in (
        ("f_marche_autre", "FAC-B-TLALOC"),
        ("cl_marche_autre_partenaire", "CL-B-TLALOC"),
        ("f_marche_instance", "FAC-INST-XIPE"),
        ("cl_marche", "CL-INST-XIPE"),
    ):
        marche = getattr(world, attr)
        marche.identifiant = identifiant
        marche.save()
    world.f_convention_autre.intitule = "Convention Tlaloc B"
    world.f_convention_autre.save()
    world.marche_autre_partenaire.direction = world.direction_b
    world.marche_autre_partenaire.save()
    return world


def _cibles(world):
    """Per target buyer: the ids to guess and the markers of its data."""
    b = {
        "ids": {
            "acheteur": world.autre_partenaire.pk,
            "organisation": world.autre_partenaire.pk,
            "direction": world.direction_b.pk,
            "convention": world.f_convention_autre.pk,
            "marche": world.marche_autre_partenaire.pk,
            "entreprise": world.entreprise_autre_partenaire.pk,
            "spaser": world.spaser_autre_partenaire.pk,
        },
        "marqueurs": [
            "W-PART-B",
            "Entreprise du partenaire B",
            "Direction Quetzalcoatl B",
            "DQUETZB",
            world.spaser_autre_partenaire.titre,
            world.spaser_axe_autre_partenaire.titre,
            world.spaser_programmation_autre_partenaire.objet,
        ],
    }
    instance = {
        "ids": {
            "acheteur": world.instance.pk,
            "organisation": world.instance.pk,
            "direction": world.autre_direction.pk,
            "marche": world.marche.pk,
            "entreprise": world.entreprise.pk,
            "spaser": world.spaser.pk,
        },
        "marqueurs": [
            "W-DIR",
            "W-AUTRE",
            "Entreprise de l'instance",
            world.autre_direction.nom,
            "DXOLOTL",
            world.spaser.titre,
            world.spaser_axe.titre,
        ],
    }
    return {"partenaire B": b, "instance": instance}


@pytest.mark.parametrize("cible", ["partenaire B", "instance"])
def test_a_partner_guessing_ids_in_the_query_string_reads_nothing_of_another_buyer(cible, world, client):
    client.force_login(world.users["partenaire"])
    donnees = _cibles(world)[cible]
    params = "&".join(f"{cle}={valeur}" for cle, valeur in donnees["ids"].items())
    fuites, vus = [], 0
    for name, rule in sorted(RULES.items()):
        if rule.method != "get" or rule.expected["anonyme"] == 200:  # public pages show public data
            continue
        base = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
        for query in (rule.query, "?format=csv", "?format=xlsx", "?format=json"):
            separateur = "&" if query else "?"
            url = f"{base}{query}{separateur}{params}"
            response = client.get(url)
            if response.status_code != 200:
                continue
            vus += 1
            texte = _texte(response)
            if trouves := [m for m in donnees["marqueurs"] if m in texte]:
                fuites.append(f"{url}: {trouves}")
    assert vus > 10, f"only {vus} pages answered 200: the walk is broken"
    assert not fuites, f"A partner reads the {cible}'s data:\n" + "\n".join(fuites)


def test_the_markers_are_on_the_pages_of_those_who_may_read_them(world, client):
    """Control: an administrator's contract list and company list show the markers."""
    client.force_login(world.users["admin"])
    texte = _texte(client.get(reverse("marches:list"))) + _texte(
        client.get(reverse("marches:entreprise_list"))
    )
    for marqueur in (
        "W-PART-B",
        "FAC-B-TLALOC",
        "CL-INST-XIPE",
        "Entreprise du partenaire B",
        "W-DIR",
        "Entreprise de l'instance",
    ):
        assert marqueur in texte
    texte = _texte(client.get(reverse("marches:list"), {"direction": world.direction_b.pk}))
    assert "DQUETZB" in texte
    assert "Convention Tlaloc B" in _texte(client.get(reverse("facilitateurs:conventions")))


def test_a_partner_cannot_ask_for_another_buyers_bilan_by_posting_its_ids(world, client):
    from bilans.models import Bilan

    client.force_login(world.users["partenaire"])
    avant = set(Bilan.objects.values_list("pk", flat=True))
    for data in (
        {"annee": 2025, "acheteur": world.autre_partenaire.pk},
        {"annee": 2025, "acheteur": world.autre_partenaire.pk, "convention": world.f_convention_autre.pk},
        {"annee": 2025, "acheteur": world.instance.pk, "direction": world.direction.pk},
    ):
        response = client.post(reverse("bilans:bilan_demander"), data)
        assert response.status_code in (302, 400, 403), data
    nouveaux = Bilan.objects.exclude(pk__in=avant)
    assert nouveaux.exists(), "control: the partner may ask for its own bilan"
    for bilan in nouveaux:
        assert bilan.acheteur_id == world.partenaire.pk
        assert bilan.convention_id in (None, world.f_convention.pk)
        assert bilan.direction_id is None


def test_stored_files_are_not_served_by_their_media_url(world, client):
    """Bilan PDFs and job files are only served by views that check the reader (bilans:bilan_telecharger)."""
    url = world.bilan_partenaire.fichier.url
    assert url.startswith("/media/")
    for user in (None, world.partenaire_b, world.users["partenaire"]):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(url).status_code in (302, 404), url
