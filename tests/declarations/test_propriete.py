"""A company's contact never reaches another company's objects by id: its declarations, their proofs, its contracts,
its attestations (404, nothing written), nor a buyer's page (403); a deactivated contact cannot log in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from declarations.enums import StatutDeclaration
from declarations.models import Declaration
from tests.declarations.factories import DeclarationFactory, LigneDeclarationFactory, justificatif_creer


@pytest.fixture
def objets(cas):
    autre = DeclarationFactory(marche=cas.autre_marche, entreprise=cas.autre_entreprise,
                               declaree_par=cas.autre_contact.user)
    LigneDeclarationFactory(declaration=autre, participant=None, personne_proposee="Camille Secretnom",
                            heures=Decimal("35"))
    return {"declaration": autre, "justificatif": justificatif_creer(autre)}


def test_a_contact_cannot_reach_another_companys_declaration_proof_contract_or_attestation(cas, objets, client):
    client.force_login(cas.contact.user)
    autre = objets["declaration"]
    urls = [
        reverse("declarations:detail", args=[autre.pk]),
        reverse("declarations:justificatif", args=[objets["justificatif"].pk]),
        reverse("declarations:marche", args=[cas.autre_marche.pk]),
        reverse("declarations:declarer", args=[cas.autre_marche.pk]),
        reverse("declarations:attestation", args=[cas.autre_marche.pk, cas.autre_entreprise.pk]),
        # its own contract with the other company's id, and the other's contract with its own company's id
        reverse("declarations:attestation", args=[cas.marche.pk, cas.autre_entreprise.pk]),
        reverse("declarations:attestation", args=[cas.autre_marche.pk, cas.entreprise.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Secretnom" not in response.content
    # Writing through another company's ids: refused, nothing written.
    response = client.post(reverse("declarations:declarer", args=[cas.autre_marche.pk]) + "?mois=2025-09", {})
    assert response.status_code == 404
    for nom in ("valider", "renvoyer"):
        assert client.post(reverse(f"declarations:{nom}", args=[autre.pk]), {"motif": "x"}).status_code == 403
    autre.refresh_from_db()
    assert autre.statut == StatutDeclaration.EN_ATTENTE
    assert Declaration.objects.count() == 1


def test_its_own_objects_are_reachable(cas, client):
    own = DeclarationFactory(marche=cas.marche, entreprise=cas.entreprise, declaree_par=cas.contact.user)
    justificatif = justificatif_creer(own)
    client.force_login(cas.contact.user)
    assert client.get(reverse("declarations:detail", args=[own.pk])).status_code == 200
    response = client.get(reverse("declarations:justificatif", args=[justificatif.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("declarations:marche", args=[cas.marche.pk])).status_code == 200


@pytest.mark.parametrize("name", ["marches:list", "bilans:dashboard", "facilitateurs:participants",
                                  "facilitateurs:home", "core:taches", "marches:entreprise_list"])
def test_no_buyer_page_for_a_company_contact(cas, client, name):
    client.force_login(cas.contact.user)
    assert client.get(reverse(name)).status_code == 403


def test_a_deactivated_contact_cannot_log_in(cas, client):
    from declarations.services import contact_desactiver

    cas.contact.user.set_password("motdepasse-solide-42")
    cas.contact.user.save()
    identifiants = {"username": cas.contact.user.username, "password": "motdepasse-solide-42"}
    assert client.post(reverse("login"), identifiants).status_code == 302
    client.post(reverse("logout"))
    contact_desactiver(contact=cas.contact, auteur=cas.facilitateur)
    response = client.post(reverse("login"), identifiants)
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
