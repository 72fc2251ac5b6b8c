"""The reminders' schedule (who gets what on a given date), sending once only, preferences, the command, and one
run through a real local SMTP server."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from bilans.models import Bilan
from core.enums import Role
from declarations.enums import StatutDeclaration
from facilitateurs.models import MiseEnEmploi
from relances.enums import Genre, TypeNotification
from relances.models import EnvoiRelance, PreferenceNotification
from relances.selectors import relances_du_jour
from relances.services import relances_envoyer
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.declarations.factories import ContactEntrepriseFactory, DeclarationFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

CODE_SECRET = "P-CONFIDENTIEL-77"


@pytest.fixture
def monde(db, settings):
    settings.RELANCES = {**settings.RELANCES, "JOUR_DECLARATION": 5, "DELAI_RELANCE_JOURS": 7, "JOUR_SYNTHESE": 0,
                         "DECP_PREAVIS_JOURS": 15}

    class Monde:
        pass

    m = Monde()
    instance = OrganisationFactory(instance=True)
    m.direction = DirectionFactory(organisation=instance)
    # A company with a clause contract running (hours required), a participant placed with it.
    m.entreprise = EntrepriseFactory(nom="Bâtir Landes")
    m.marche = MarcheFactory(acheteur=instance, date_debut=datetime.date(2026, 1, 1), date_fin=datetime.date(2027, 12, 31),
                             date_publication_donnees=datetime.date(2026, 1, 1))
    ClauseMarcheFactory(marche=m.marche, heures_requises=Decimal("500"))
    AttributionFactory(marche=m.marche, entreprise=m.entreprise)
    participant = ParticipantFactory(code=CODE_SECRET)
    MiseEnEmploi.objects.create(participant=participant, entreprise=m.entreprise, marche=m.marche,
                                modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", date_debut=datetime.date(2026, 1, 1))
    m.contact = ContactEntrepriseFactory(entreprise=m.entreprise, user__email="contact@batir.invalid",
                                         user__first_name="Alex")
    # A company that declared October 2026: no reminder in November.
    m.a_jour = EntrepriseFactory(nom="À jour SARL")
    marche_a_jour = MarcheFactory(acheteur=instance, date_debut=datetime.date(2026, 1, 1),
                                  date_fin=datetime.date(2027, 12, 31), date_publication_donnees=datetime.date(2026, 1, 1))
    ClauseMarcheFactory(marche=marche_a_jour, heures_requises=Decimal("100"))
    AttributionFactory(marche=marche_a_jour, entreprise=m.a_jour)
    m.contact_a_jour = ContactEntrepriseFactory(entreprise=m.a_jour)
    DeclarationFactory(marche=marche_a_jour, entreprise=m.a_jour, mois=datetime.date(2026, 10, 1),
                       declaree_par=m.contact_a_jour.user, statut=StatutDeclaration.EN_ATTENTE)
    # A company whose contact is deactivated.
    inactif = ContactEntrepriseFactory(entreprise=EntrepriseFactory())
    AttributionFactory(marche=m.marche, entreprise=inactif.entreprise)
    inactif.user.is_active = False
    inactif.user.save()
    # Users of the other roles.
    m.facilitateur = UserFactory(role=Role.FACILITATEUR, email="f@exemple.invalid")
    m.dcp = UserFactory(role=Role.DCP, email="dcp@exemple.invalid", organisation=instance)
    m.elu = UserFactory(role=Role.ELU, email="elu@exemple.invalid", organisation=instance)
    m.acheteur = UserFactory(role=Role.ACHETEUR, email="a@exemple.invalid", organisation=instance,
                             direction=m.direction)
    m.autre_acheteur = UserFactory(role=Role.ACHETEUR, email="b@exemple.invalid", organisation=instance,
                                   direction=DirectionFactory(organisation=instance))
    HeuresMensuellesFactory(marche=m.marche, entreprise=m.entreprise, participant=participant,
                            mois=datetime.date(2026, 9, 1), heures=Decimal("10"))
    m.instance = instance
    return m


def qui(messages):
    return sorted((message.genre, message.user.email) for message in messages)


def test_a_company_is_reminded_on_the_configured_day_of_last_months_declaration(monde):
    assert [m for m in relances_du_jour(datetime.date(2026, 11, 4)) if m.genre.startswith("declaration")] == []
    messages = [m for m in relances_du_jour(datetime.date(2026, 11, 5)) if m.genre.startswith("declaration")]
    assert qui(messages) == [("declaration", "contact@batir.invalid")]
    assert messages[0].cles == ["2026-10"]
    assert messages[0].contexte["marches"] == [monde.marche]


def test_then_one_follow_up_only_to_who_got_the_first_and_still_has_not_declared(monde):
    relances_envoyer(date=datetime.date(2026, 11, 5))
    assert [m for m in relances_du_jour(datetime.date(2026, 11, 11)) if m.genre.startswith("declaration")] == []
    suivi = [m for m in relances_du_jour(datetime.date(2026, 11, 12)) if m.genre.startswith("declaration")]
    assert qui(suivi) == [("declaration_relance", "contact@batir.invalid")]
    relances_envoyer(date=datetime.date(2026, 11, 12))
    assert [m for m in relances_du_jour(datetime.date(2026, 11, 20)) if m.genre.startswith("declaration")] == []


def test_a_declared_month_stops_the_follow_up(monde):
    relances_envoyer(date=datetime.date(2026, 11, 5))
    DeclarationFactory(marche=monde.marche, entreprise=monde.entreprise, mois=datetime.date(2026, 10, 1),
                       declaree_par=monde.contact.user)
    assert [m for m in relances_du_jour(datetime.date(2026, 11, 12)) if m.genre.startswith("declaration")] == []


def test_the_schedule_of_a_monday_the_5th(monde):
    """Monday 5 October 2026: the September reminder, the weekly digest, the DECP reminder, the bilan."""
    DeclarationFactory(marche=monde.marche, entreprise=monde.entreprise, mois=datetime.date(2026, 8, 1),
                       declaree_par=monde.contact.user)  # waiting: in the digest
    notifie = MarcheFactory(acheteur=monde.instance, direction=monde.direction, montant_ht=Decimal("90000"),
                            date_notification=datetime.date(2026, 8, 15))  # to publish by 15/10/2026
    MarcheFactory(acheteur=monde.instance, direction=monde.direction, montant_ht=Decimal("30000"),
                  date_notification=datetime.date(2026, 8, 15))  # under 40 000 €: not published
    MarcheFactory(acheteur=monde.instance, direction=monde.direction, montant_ht=Decimal("90000"),
                  date_notification=datetime.date(2026, 8, 15), date_publication_donnees=datetime.date(2026, 9, 1))
    MarcheFactory(acheteur=monde.instance, direction=monde.direction, montant_ht=Decimal("90000"),
                  date_notification=datetime.date(2026, 9, 15))  # deadline 15/11: not yet
    bilan = Bilan.objects.create(acheteur=monde.instance, annee=2025,
                                 generated_at=timezone.make_aware(datetime.datetime(2026, 10, 2, 9)))
    bilan.fichier.save("bilan.pdf", ContentFile(b"%PDF-1.4"), save=True)
    messages = relances_du_jour(datetime.date(2026, 10, 5))
    assert qui(messages) == sorted([
        ("bilan", "dcp@exemple.invalid"), ("bilan", "elu@exemple.invalid"),
        # September: Bâtir Landes has hours recorded by the facilitator; À jour SARL declared only October
        ("declaration", monde.contact_a_jour.user.email),
        ("decp", "a@exemple.invalid"),  # the contract's direction only
        ("synthese", "f@exemple.invalid"),
    ])
    decp = next(m for m in messages if m.genre == Genre.DECP)
    assert [item["marche"] for item in decp.contexte["marches"]] == [notifie]
    assert decp.contexte["marches"][0]["echeance"] == datetime.date(2026, 10, 15)
    synthese = next(m for m in messages if m.genre == Genre.SYNTHESE)
    assert synthese.contexte["declarations"] == 2  # August here, October of À jour SARL


def test_each_user_can_turn_each_kind_off(monde):
    PreferenceNotification.objects.create(user=monde.contact.user, type=TypeNotification.DECLARATION, active=False)
    messages = relances_du_jour(datetime.date(2026, 11, 5))
    assert "contact@batir.invalid" not in [m.user.email for m in messages]


def test_never_sent_twice_for_the_same_month(monde):
    premier = relances_envoyer(date=datetime.date(2026, 11, 5))
    assert premier[Genre.DECLARATION] == 1
    n = len(mail.outbox)
    second = relances_envoyer(date=datetime.date(2026, 11, 6))
    assert second[Genre.DECLARATION] == 0
    assert len(mail.outbox) == n - 0 + sum(second.values())
    assert EnvoiRelance.objects.filter(genre=Genre.DECLARATION, user=monde.contact.user, cle="2026-10").count() == 1


def test_the_command_prints_counts_and_the_dry_run_sends_nothing(monde):
    out = io.StringIO()
    call_command("envoyer_relances", "--date", "2026-11-05", "--dry-run", stdout=out)
    texte = out.getvalue()
    assert "(simulation)" in texte and "(s)" not in texte
    assert "Déclaration mensuelle à faire : 1" in texte
    assert not mail.outbox and not EnvoiRelance.objects.exists()
    out = io.StringIO()
    call_command("envoyer_relances", "--date", "2026-11-05", stdout=out)
    assert "Déclaration mensuelle à faire : 1" in out.getvalue()
    assert len([m for m in mail.outbox if m.to == ["contact@batir.invalid"]]) == 1


def test_a_bad_date_is_a_clear_error(monde):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("envoyer_relances", "--date", "05/11/2026")


def test_the_reminders_go_through_a_real_smtp_server_in_french_text_and_html_without_participant_data(
        monde, serveur_smtp, settings):
    settings.SPASER = {**settings.SPASER, "INSTANCE_NAME": "SPASER des Landes"}
    compte = relances_envoyer(date=datetime.date(2026, 11, 5))
    total = sum(compte.values())
    assert total >= 2  # the company's reminder and the facilitator's digest at least
    recus = serveur_smtp.attendre(total)
    message = next(m for m in recus if m["To"] == "contact@batir.invalid")
    assert message["Subject"].strip() == "[SPASER des Landes] Déclarez vos heures d'insertion de octobre 2026"
    texte = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Bonjour Alex" in texte and monde.marche.identifiant in texte
    assert f"/declarations/marches/{monde.marche.pk}/declarer/?mois=2026-10" in texte
    assert '<html lang="fr">' in html
    for recu in recus:
        for partie in ("plain", "html"):
            assert CODE_SECRET not in recu.get_body(preferencelist=(partie,)).get_content()
