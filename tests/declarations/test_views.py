"""The pages: invitation by e-mail and its one-time link, the declaration form (bad input: a French error,
nothing written), the facilitator's validation with a proposed person, the attestation PDF (no names)."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.enums import Role
from declarations.enums import StatutDeclaration
from declarations.models import ContactEntreprise, Declaration
from facilitateurs.models import HeuresMensuelles
from tests.declarations.factories import PDF
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory


def test_the_facilitator_invites_a_contact_who_sets_a_password_once(cas, client, django_capture_on_commit_callbacks):
    client.force_login(cas.facilitateur)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("declarations:entreprise_contacts", args=[cas.entreprise.pk]),
                               {"email": "Nouveau.Contact@Batir.invalid", "prenom": "Sam", "nom": "Durand"})
    assert response.status_code == 302
    contact = ContactEntreprise.objects.get(user__email="nouveau.contact@batir.invalid")
    assert (contact.entreprise, contact.user.role, contact.invite_par) == (cas.entreprise, Role.ENTREPRISE,
                                                                          cas.facilitateur)
    assert not contact.user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["nouveau.contact@batir.invalid"]
    assert "Bonjour Sam" in message.body and message.alternatives[0][1] == "text/html"
    lien = re.search(r"http://testserver(/declarations/invitation/\S+/)", message.body).group(1)

    client.logout()
    page = client.get(lien, follow=True)
    assert page.status_code == 200 and b"Choisir votre mot de passe" in page.content
    formulaire = page.redirect_chain[-1][0] if page.redirect_chain else lien
    response = client.post(formulaire, {"new_password1": "Un-mot-de-passe-solide-7", "new_password2":
                                        "Un-mot-de-passe-solide-7"})
    assert response.status_code == 302
    contact.user.refresh_from_db()
    assert contact.user.check_password("Un-mot-de-passe-solide-7")
    # The link is spent.
    encore = client.get(lien, follow=True)
    assert b"n'est plus valable" in encore.content


def test_an_address_of_another_company_or_role_is_refused(cas, client):
    client.force_login(cas.facilitateur)
    response = client.post(reverse("declarations:entreprise_contacts", args=[cas.entreprise.pk]),
                           {"email": cas.autre_contact.user.email})
    assert response.status_code == 200
    assert "contact d&#x27;une autre entreprise" in response.content.decode()
    response = client.post(reverse("declarations:entreprise_contacts", args=[cas.entreprise.pk]),
                           {"email": cas.facilitateur.email})
    assert "déjà celle d&#x27;un utilisateur" in response.content.decode()
    assert ContactEntreprise.objects.count() == 2 and not mail.outbox


@pytest.mark.parametrize(("email", "message"), [
    ("pas-une-adresse", "Saisissez une adresse de courriel valide"),
    ("a@b@c.invalid", "Saisissez une adresse de courriel valide"),
    ("", "Ce champ est obligatoire"),
    # a valid address longer than a username: said on the field
    ("x" * 140 + "@exemple.invalid", "Adresse électronique du contact : Assurez-vous que cette valeur comporte au "
                                     "plus 150 caractères"),
])
def test_a_bad_address_is_a_french_error_and_invites_nobody(cas, client, email, message,
                                                            django_capture_on_commit_callbacks):
    client.force_login(cas.facilitateur)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("declarations:entreprise_contacts", args=[cas.entreprise.pk]),
                               {"email": email, "prenom": "Sam"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ContactEntreprise.objects.count() == 2 and not mail.outbox


def test_an_expired_invitation_link_says_so_and_sets_no_password(cas, client, monkeypatch, settings):
    from django.contrib.auth.tokens import default_token_generator

    from declarations.services import invitation_jeton

    user = cas.contact.user
    user.set_unusable_password()
    user.save()
    uid, token = invitation_jeton(user)
    url = reverse("declarations:invitation", args=[uid, token])
    maintenant = default_token_generator._now()
    monkeypatch.setattr(default_token_generator, "_now", lambda: maintenant + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
    page = client.get(url, follow=True)
    assert b"n'est plus valable" in page.content
    client.post(url, {"new_password1": "Un-mot-de-passe-solide-7", "new_password2": "Un-mot-de-passe-solide-7"})
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_staff_users_reset_link_does_not_work_as_an_invitation(cas, client):
    from declarations.services import invitation_jeton

    uid, token = invitation_jeton(cas.facilitateur)
    page = client.get(reverse("declarations:invitation", args=[uid, token]), follow=True)
    assert b"n'est plus valable" in page.content


def _post_declaration(client, cas, mois="2025-09", justificatif=None, **lignes):
    data = {"lignes-TOTAL_FORMS": "4", "lignes-INITIAL_FORMS": "0", "lignes-MIN_NUM_FORMS": "0",
            "lignes-MAX_NUM_FORMS": "50", "mois": mois, "commentaire": ""}
    data.update(lignes)
    data["justificatifs"] = [justificatif or SimpleUploadedFile("bulletin.pdf", PDF, content_type="application/pdf")]
    return client.post(reverse("declarations:declarer", args=[cas.marche.pk]), data)


@pytest.mark.parametrize("lignes", [
    {"lignes-0-heures": "abc", "lignes-0-modalite": "EMBAUCHE_DIRECTE"},
    {"lignes-0-heures": "-5", "lignes-0-modalite": "EMBAUCHE_DIRECTE", "lignes-0-personne_proposee": "X"},
    {"lignes-0-heures": "10", "lignes-0-modalite": "INCONNUE", "lignes-0-personne_proposee": "X"},
    {"lignes-0-heures": "10", "lignes-0-modalite": "EMBAUCHE_DIRECTE", "lignes-0-participant": "999999"},
    {"lignes-0-heures": "1e9", "lignes-0-modalite": "EMBAUCHE_DIRECTE", "lignes-0-personne_proposee": "X"},
    {},  # nothing declared
])
def test_bad_input_is_a_french_error_and_writes_nothing(cas, client, lignes):
    client.force_login(cas.contact.user)
    response = _post_declaration(client, cas, **lignes)
    assert response.status_code == 200
    assert "La déclaration n&#x27;a pas été envoyée" in response.content.decode()
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(("contenu", "taille_max", "message"), [
    (b"<html><script>alert(1)</script></html>", 5 * 1024 * 1024, "n&#x27;est ni un PDF ni une image"),
    (PDF + b"0" * (1024 * 1024), 1024 * 1024, "dépasse la taille maximale de 1 Mo"),
])
def test_a_bad_proof_sent_through_the_form_is_a_french_error_and_writes_nothing(cas, client, settings, contenu,
                                                                               taille_max, message):
    settings.JUSTIFICATIF_TAILLE_MAX = taille_max
    client.force_login(cas.contact.user)
    response = _post_declaration(client, cas, justificatif=SimpleUploadedFile("bulletin.pdf", contenu), **{
        "lignes-0-participant": str(cas.participant.pk), "lignes-0-modalite": "EMBAUCHE_DIRECTE",
        "lignes-0-heures": "10"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Declaration.objects.exists()
    assert not [f for f in settings.JUSTIFICATIFS_ROOT.rglob("*") if f.is_file()]  # no proof stored either


def test_the_form_states_the_configured_limits(cas, client, settings):
    settings.SPASER = {**settings.SPASER, "HEURES_MAX_PAR_MOIS": 150}
    settings.JUSTIFICATIF_TAILLE_MAX = 2 * 1024 * 1024
    client.force_login(cas.contact.user)
    page = client.get(reverse("declarations:declarer", args=[cas.marche.pk])).content.decode()
    assert "Au plus 150\u00a0h par personne et par mois" in page
    assert "PDF, PNG ou JPEG, 2 Mo au plus chacun" in page


def test_a_bad_month_in_the_query_string_falls_back_to_last_month(cas, client):
    client.force_login(cas.contact.user)
    assert client.get(reverse("declarations:declarer", args=[cas.marche.pk]) + "?mois=2025-99").status_code == 200


def test_declared_through_the_form_then_a_proposed_person_qualified_at_validation(cas, client):
    client.force_login(cas.contact.user)
    response = _post_declaration(client, cas, **{
        "lignes-0-participant": str(cas.participant.pk), "lignes-0-modalite": "EMBAUCHE_DIRECTE",
        "lignes-0-type_contrat": "CDD", "lignes-0-heures": "70,5",
        "lignes-1-personne_proposee": "Alex Nouveau", "lignes-1-modalite": "EMBAUCHE_DIRECTE",
        "lignes-1-type_contrat": "CDI", "lignes-1-heures": "20"})
    declaration = Declaration.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("declarations:detail",
                                                                           args=[declaration.pk])
    proposee = declaration.lignes.get(personne_proposee="Alex Nouveau")
    client.force_login(cas.facilitateur)
    response = client.post(reverse("declarations:valider", args=[declaration.pk]),
                           {f"participant_{proposee.pk}": "INCONNU-1"})
    declaration.refresh_from_db()
    assert declaration.statut == StatutDeclaration.EN_ATTENTE
    ParticipantFactory(code="P-ALEX")
    client.post(reverse("declarations:valider", args=[declaration.pk]), {f"participant_{proposee.pk}": "P-ALEX"})
    declaration.refresh_from_db()
    assert declaration.statut == StatutDeclaration.VALIDEE
    assert dict(HeuresMensuelles.objects.filter(marche=cas.marche).values_list("participant__code", "heures")) == {
        "P-DECL-1": Decimal("70.5"), "P-ALEX": Decimal("20")}


def test_the_company_sees_only_its_placed_participants_codes(cas, client):
    ParticipantFactory(code="P-NON-EMPLOYE")
    client.force_login(cas.contact.user)
    page = client.get(reverse("declarations:declarer", args=[cas.marche.pk])).content.decode()
    assert "P-DECL-1" in page and "P-NON-EMPLOYE" not in page


def test_the_attestation_pdf_shows_the_hours_by_modality_and_no_participant(cas, client):
    from pypdf import PdfReader

    HeuresMensuellesFactory(marche=cas.marche, entreprise=cas.entreprise, participant=cas.participant,
                            mois=datetime.date(2025, 9, 1), heures=Decimal("380"))
    HeuresMensuellesFactory(marche=cas.marche, entreprise=cas.entreprise, participant=None,
                            modalite="SOUS_TRAITANCE_SIAE", montant_ht=Decimal("900"), heures=0,
                            mois=datetime.date(2025, 10, 1))
    client.force_login(cas.contact.user)
    url = reverse("declarations:attestation", args=[cas.marche.pk, cas.entreprise.pk])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    texte = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Attestation de réalisation de la clause sociale" in texte
    assert "410" in texte and "400" in texte  # 380 h + 900 € / 30 = 410 h realised, 400 required
    assert "Sous-traitance à une SIAE" in texte and "Embauche directe" in texte
    assert "P-DECL-1" not in texte
    assert "/StructTreeRoot" in pdf.trailer["/Root"]  # tagged (PDF/UA-1)


def test_the_attestation_waits_for_the_clause_to_be_fulfilled_or_the_contract_to_end(cas, client):
    client.force_login(cas.contact.user)
    url = reverse("declarations:attestation", args=[cas.marche.pk, cas.entreprise.pk])
    assert client.get(url)["Location"] == reverse("declarations:marche", args=[cas.marche.pk])


def test_the_facilitator_lists_waiting_declarations_and_filters_the_others(cas, client):
    from tests.declarations.factories import DeclarationFactory

    attente = DeclarationFactory(marche=cas.marche, entreprise=cas.entreprise, mois=datetime.date(2025, 8, 1))
    DeclarationFactory(marche=cas.marche, entreprise=cas.entreprise, mois=datetime.date(2025, 7, 1),
                       statut=StatutDeclaration.VALIDEE)
    client.force_login(cas.facilitateur)
    page = client.get(reverse("declarations:a_valider")).content.decode()
    assert reverse("declarations:detail", args=[attente.pk]) in page and "juillet 2025" not in page
    page = client.get(reverse("declarations:a_valider") + "?statut=validee").content.decode()
    assert "juillet 2025" in page and "août 2025" not in page
    assert client.get(reverse("declarations:a_valider") + "?statut=nimporte&page=zz").status_code == 200


@pytest.mark.parametrize(("cle", "message"), [
    ("participant_²", "Participant inconnu : P-DECL-1"),  # "²".isdigit() is true, int("²") fails
    ("participant_abc", "Participant inconnu : P-DECL-1"),
    ("participant_99999999999999999999", "rattachez la personne proposée"),  # no such line: the person stays new
])
def test_a_hostile_line_id_at_validation_is_a_french_message_not_a_500(cas, client, cle, message):
    from tests.declarations.factories import DeclarationFactory, LigneDeclarationFactory

    declaration = DeclarationFactory(marche=cas.marche, entreprise=cas.entreprise, declaree_par=cas.contact.user)
    LigneDeclarationFactory(declaration=declaration, participant=None, personne_proposee="Alex Nouveau")
    client.force_login(cas.facilitateur)
    response = client.post(reverse("declarations:valider", args=[declaration.pk]), {cle: "P-DECL-1"}, follow=True)
    assert response.status_code == 200
    declaration.refresh_from_db()
    assert declaration.statut == StatutDeclaration.EN_ATTENTE and not HeuresMensuelles.objects.exists()
    assert message in response.content.decode()


# SQL snapshots: the lists of both sides run a fixed number of queries whatever the number of rows -------------

def _grandir(cas):
    """Each call adds rows of every kind the pages list: contracts of the company with hours and declarations in
    every state, declarations waiting from other companies, contacts, lines and proofs of one declaration."""
    from tests.clauses.factories import ClauseMarcheFactory
    from tests.declarations.factories import (
        ContactEntrepriseFactory,
        DeclarationFactory,
        LigneDeclarationFactory,
        justificatif_creer,
    )
    from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

    cas.rang = getattr(cas, "rang", 0)
    for _ in range(4):
        cas.rang += 1
        mois = datetime.date(2020 + cas.rang // 12, cas.rang % 12 + 1, 1)
        marche = MarcheFactory(date_debut=datetime.date(2025, 1, 1), date_fin=cas.marche.date_fin)
        ClauseMarcheFactory(marche=marche, heures_requises=Decimal("100"))
        AttributionFactory(marche=marche, entreprise=cas.entreprise)
        HeuresMensuellesFactory(marche=marche, entreprise=cas.entreprise, mois=datetime.date(2025, 9, 1),
                                heures=Decimal("7"))
        for statut in StatutDeclaration:
            DeclarationFactory(marche=marche, entreprise=cas.entreprise, mois=mois, statut=statut,
                               declaree_par=cas.contact.user, traitee_par=cas.facilitateur)
            DeclarationFactory(marche=cas.marche, entreprise=cas.entreprise, mois=mois, statut=statut,
                               declaree_par=cas.contact.user, traitee_par=cas.facilitateur)
        DeclarationFactory(marche=MarcheFactory(), entreprise=EntrepriseFactory(), mois=mois)
        ContactEntrepriseFactory(entreprise=cas.entreprise)
        participant = ParticipantFactory()
        LigneDeclarationFactory(declaration=cas.declaration, participant=participant)
        LigneDeclarationFactory(declaration=cas.declaration, participant=None, personne_proposee=f"Personne {cas.rang}")
        justificatif_creer(cas.declaration, nom=f"bulletin-{cas.rang}.pdf")


@pytest.mark.parametrize(("nom", "role", "url"), [
    ("a_valider", "facilitateur", lambda cas: reverse("declarations:a_valider")),
    ("a_valider_validees", "facilitateur", lambda cas: reverse("declarations:a_valider") + "?statut=validee"),
    ("entreprise_contacts", "facilitateur",
     lambda cas: reverse("declarations:entreprise_contacts", args=[cas.entreprise.pk])),
    ("detail", "facilitateur", lambda cas: reverse("declarations:detail", args=[cas.declaration.pk])),
    ("marches", "contact", lambda cas: reverse("declarations:marches")),
    ("home_entreprise", "contact", lambda cas: reverse("core:home")),
    ("marche", "contact", lambda cas: reverse("declarations:marche", args=[cas.marche.pk])),
])
def test_lists_queries_do_not_grow_and_match_their_snapshots(cas, client, snapshot_update, nom, role, url):
    from tests.declarations.factories import DeclarationFactory
    from tests.sql_snapshots import assert_queries_stable

    cas.declaration = DeclarationFactory(marche=cas.marche, entreprise=cas.entreprise, mois=datetime.date(2025, 8, 1),
                                         declaree_par=cas.contact.user)
    client.force_login(cas.facilitateur if role == "facilitateur" else cas.contact.user)
    _grandir(cas)
    assert_queries_stable(f"declarations_views_{nom}", client, url(cas), lambda: _grandir(cas),
                          update=snapshot_update)
