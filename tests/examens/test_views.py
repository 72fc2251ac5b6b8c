"""The examinations' pages: what waits for each role on its home, bad input refused in French with nothing
written, who sees which examination, the figures for élus, the Matinale and its PDF."""

import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import Role
from examens.enums import StatutExamen
from examens.models import Examen
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.examens.factories import ExamenFactory, MarchePreparationFactory
from tests.facilitateurs.factories import ConventionFactory
from tests.marches.factories import MarcheFactory
from tests.mise_en_page_pdf import etiquetage
from tests.spaser.factories import ProgrammationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    instance = OrganisationFactory(instance=True)
    direction, autre = DirectionFactory(organisation=instance), DirectionFactory(organisation=instance)
    partenaire = OrganisationFactory(partenaire=True, nom="Ville de Dax")
    m = {
        "instance": instance, "direction": direction, "partenaire": partenaire,
        "acheteur": UserFactory(role=Role.ACHETEUR, organisation=instance, direction=direction),
        "facilitateur": UserFactory(role=Role.FACILITATEUR, organisation=instance),
        "dcp": UserFactory(role=Role.DCP, organisation=instance),
        "elu": UserFactory(role=Role.ELU, organisation=instance),
        "user_partenaire": UserFactory(role=Role.PARTENAIRE, organisation=partenaire),
    }

    def examen(acheteur, direction, ident, **kwargs):
        marche = MarchePreparationFactory(acheteur=acheteur, direction=direction, identifiant=ident)
        return ExamenFactory(marche=marche, **kwargs)

    m["avis"] = examen(instance, direction, "X-AVIS")
    m["decision"] = examen(instance, direction, "X-DEC", a_decider=True)
    m["lancement"] = examen(instance, direction, "X-LANC", a_lancer=True)
    m["autre_direction"] = examen(instance, autre, "X-AUTRE", a_lancer=True)
    m["chez_partenaire"] = examen(partenaire, None, "X-PART")
    m["a_ouvrir"] = MarchePreparationFactory(acheteur=instance, direction=direction, identifiant="X-OUVRIR")
    m["sans_examen"] = MarcheFactory(acheteur=instance, direction=direction, identifiant="X-SANS",
                                     date_lancement=datetime.date.today() - datetime.timedelta(days=3),
                                     date_notification=None)
    return m


def _home(client, user):
    """The home's « examinations » block."""
    client.force_login(user)
    html = client.get(reverse("core:home")).content.decode()
    debut = html.index('data-testid="examens-a-faire"')
    return html[debut:html.index("</section>", debut)]


def test_each_role_sees_what_waits_for_it_on_its_home(client, monde):
    html = _home(client, monde["facilitateur"])
    assert "X-AVIS" in html and "X-DEC" not in html and "X-PART" not in html  # the partner has no convention
    html = _home(client, monde["dcp"])
    assert "X-DEC" in html and "X-AVIS" not in html
    assert "X-SANS" in html and "lancé sans examen préalable" in html  # launched without an examination
    html = _home(client, monde["acheteur"])
    assert "X-LANC" in html and "X-AUTRE" not in html  # their own direction only
    assert "Ouvrir l'examen de X-OUVRIR" in html
    assert "X-SANS" not in html


def test_a_facilitator_serves_a_partner_under_a_signed_convention_naming_them(client, monde):
    convention = ConventionFactory(partenaire=monde["partenaire"], statut="signee")
    convention.facilitateurs.add(monde["facilitateur"])
    assert "X-PART" in _home(client, monde["facilitateur"])
    url = reverse("examens:avis", args=[monde["chez_partenaire"].pk])
    assert client.get(url).status_code == 200


def test_readers_see_only_their_examinations(client, monde):
    client.force_login(monde["acheteur"])
    html = client.get(reverse("examens:list")).content.decode()
    assert "X-LANC" in html and "X-AUTRE" not in html and "X-PART" not in html
    assert client.get(reverse("examens:detail", args=[monde["autre_direction"].pk])).status_code == 404
    client.force_login(monde["user_partenaire"])
    html = client.get(reverse("examens:list")).content.decode()
    assert "X-PART" in html and "X-AVIS" not in html
    client.force_login(monde["elu"])
    assert client.get(reverse("examens:list")).status_code == 403
    html = client.get(reverse("examens:chiffres"), {"annee": "abc"}).content.decode()  # a bad year: this year
    assert "Marchés examinés avant leur lancement" in html and "X-AVIS" not in html


def _erreur(response) -> str:
    """The page sent back with the form's errors (HTML entities decoded)."""
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


@pytest.mark.parametrize("data, message", [
    ({"types": ["insertion"], "heures": "beaucoup"}, "Saisissez un nombre."),
    ({"types": ["inconnu"], "motif_non_retenu": "autre"}, "Sélectionnez un choix valide. inconnu n’en fait pas partie."),
    ({"types": [], "motif_non_retenu": "pas-un-motif"},
     "Sélectionnez un choix valide. pas-un-motif n’en fait pas partie."),
    ({"types": ["critere_env"]}, "Sans considération sociale retenue, indiquez le motif."),
    ({"types": ["critere_social"], "heures": "-5"}, "supérieure ou égale à 0"),
    ({"types": ["critere_social"], "heures": "12"}, "Des heures ne se décident qu'avec une clause d'insertion."),
    ({"types": ["insertion"], "heures": "0"}, "Les heures décidées doivent être supérieures à 0"),
])
def test_a_bad_decision_is_refused_in_french_and_writes_nothing(client, monde, data, message):
    client.force_login(monde["dcp"])
    examen = monde["decision"]
    assert message in _erreur(client.post(reverse("examens:decision", args=[examen.pk]), data))
    examen.refresh_from_db()
    assert examen.statut == StatutExamen.DECISION and not examen.marche.clauses.exists()


@pytest.mark.parametrize("justification", ["", "   "])
def test_a_waiver_above_the_eu_threshold_without_its_justification_is_refused(client, monde, justification):
    marche = MarchePreparationFactory(acheteur=monde["instance"], direction=monde["direction"],
                                      valeur_estimee_ht=6_000_000)  # works, above 5 404 000 € (2026–2027)
    examen = ExamenFactory(marche=marche, a_decider=True, date_lancement_prevue=datetime.date(2026, 12, 1))
    client.force_login(monde["dcp"])
    response = client.post(reverse("examens:decision", args=[examen.pk]),
                           {"types": [], "motif_non_retenu": "technique", "derogation_justification": justification})
    assert "la dérogation doit être justifiée par écrit (L2112-2-1)" in _erreur(response)
    examen.refresh_from_db()
    marche.refresh_from_db()
    assert examen.statut == StatutExamen.DECISION and not examen.motif_non_retenu
    assert not marche.derogation_sociale and not marche.derogation_justification


@pytest.mark.parametrize("data, message", [
    ({"date_lancement_prevue": "31/02/2099"}, "Saisissez une date valide."),
    ({"date_lancement_prevue": "demain"}, "Saisissez une date valide."),
    ({"date_lancement_prevue": ""}, "Ce champ est obligatoire."),
    ({"date_lancement_prevue": "2099-02-01", "q_env_condition": "peut-être"},
     "Sélectionnez un choix valide. peut-être n’en fait pas partie."),
])
def test_a_bad_opening_is_refused_in_french_and_writes_nothing(client, monde, data, message):
    client.force_login(monde["acheteur"])
    response = client.post(reverse("examens:ouvrir", args=[monde["a_ouvrir"].pk]), data)
    assert message in _erreur(response)
    assert not Examen.objects.filter(marche=monde["a_ouvrir"]).exists()


def test_a_bad_opinion_is_refused_and_writes_nothing(client, monde):
    client.force_login(monde["facilitateur"])
    url = reverse("examens:avis", args=[monde["avis"].pk])
    response = client.post(url, {"clause": "oui", "types": ["heures"], "heures": ""})
    assert response.status_code == 200 and "Indiquez le nombre d&#x27;heures" in response.content.decode()
    response = client.post(url, {"clause": "peut-être"})
    assert response.status_code == 200
    assert Examen.objects.get(pk=monde["avis"].pk).statut == StatutExamen.AVIS


@pytest.mark.parametrize("data, message", [
    ({"clause": "peut-être"}, "Sélectionnez un choix valide. peut-être n’en fait pas partie."),
    ({"heures": "", "contexte": "", "motifs": ""}, "Ce champ est obligatoire."),  # no answer ticked
    ({"clause": "oui", "types": []}, "Indiquez au moins une modalité proposée."),
    ({"clause": "oui", "types": ["heures"], "heures": "-3"}, "supérieure ou égale à 0"),
    ({"clause": "oui", "types": ["heures"], "heures": "0"}, "Indiquez le nombre d'heures d'insertion proposées"),
    ({"clause": "oui", "types": ["lot_reserve", "inconnu"]}, "Sélectionnez un choix valide. inconnu n’en fait pas"),
    ({"clause": "non", "motifs": "  "}, "Expliquez pourquoi aucune clause sociale n'est proposée."),
])
def test_each_bad_opinion_gets_its_french_message_and_writes_nothing(client, monde, data, message):
    client.force_login(monde["facilitateur"])
    assert message in _erreur(client.post(reverse("examens:avis", args=[monde["avis"].pk]), data))
    examen = Examen.objects.get(pk=monde["avis"].pk)
    assert examen.statut == StatutExamen.AVIS and examen.avis_le is None and examen.avis_clause is None


def test_a_launch_in_the_future_is_refused(client, monde):
    client.force_login(monde["acheteur"])
    demain = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("examens:lancement", args=[monde["lancement"].pk]), {"date": demain})
    assert response.status_code == 200 and "dans le futur" in response.content.decode()
    assert Examen.objects.get(pk=monde["lancement"].pk).statut == StatutExamen.LANCEMENT


@pytest.mark.parametrize("date, message", [
    ("hier soir", "Saisissez une date valide."),
    ("2026-02-30", "Saisissez une date valide."),
    ("", "Ce champ est obligatoire."),
    ("veille de la décision", "La consultation ne peut pas être lancée avant la décision de la DCP."),
])
def test_a_bad_launch_date_is_refused_in_french_and_writes_nothing(client, monde, date, message):
    examen = monde["lancement"]
    if date == "veille de la décision":
        date = (timezone.localtime(examen.decide_le).date() - datetime.timedelta(days=1)).isoformat()
    client.force_login(monde["acheteur"])
    assert message in _erreur(client.post(reverse("examens:lancement", args=[examen.pk]), {"date": date}))
    examen.refresh_from_db()
    marche_lancement = examen.marche.date_lancement
    examen.marche.refresh_from_db()
    assert examen.statut == StatutExamen.LANCEMENT and examen.lance_le is None
    assert examen.marche.date_lancement == marche_lancement == datetime.date(2099, 3, 1)


def test_opening_twice_leads_to_the_existing_examination(client, monde):
    client.force_login(monde["acheteur"])
    url = reverse("examens:ouvrir", args=[monde["a_ouvrir"].pk])
    response = client.post(url, {"date_lancement_prevue": "2099-02-01"})
    examen = Examen.objects.get(marche=monde["a_ouvrir"])
    assert response.status_code == 302 and response["Location"] == reverse("examens:detail", args=[examen.pk])
    response = client.post(url, {"date_lancement_prevue": "2099-03-01"})
    assert response["Location"] == reverse("examens:detail", args=[examen.pk])
    assert Examen.objects.filter(marche=monde["a_ouvrir"]).count() == 1
    assert client.post(url.replace(str(monde["a_ouvrir"].pk), "999999"), {}).status_code == 404


def test_the_matinale_groups_the_published_forecast_by_family_and_quarter(client, monde):
    nettoyage = FamilleAchatFactory(nom="Nettoyage")
    annee = datetime.date.today().year + 1
    ProgrammationFactory(acheteur=monde["instance"], famille=nettoyage, objet="Nettoyage des collèges", trimestre=2,
                         annee=annee, types_clauses=["insertion"], contact="achats@landes.invalid")
    ProgrammationFactory(acheteur=monde["instance"], famille=nettoyage, objet="Vitrerie", trimestre=1, annee=annee)
    ProgrammationFactory(acheteur=monde["instance"], objet="Achat non publié", published=False)
    client.force_login(monde["elu"])
    html = client.get(reverse("examens:matinale")).content.decode()
    assert html.index("Nettoyage") < html.index(f"T1 {annee}") < html.index("Vitrerie") \
        < html.index(f"T2 {annee}") < html.index("Nettoyage des collèges")
    assert "achats@landes.invalid" in html and "Achat non publié" not in html
    response = client.get(reverse("examens:matinale"), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    tags = etiquetage(response.content)  # tagged (PDF/UA-1): what a screen reader relies on
    assert tags["marque"] and tags["arbre"] and tags["langue"] == "fr" and "Matinale" in tags["titre"]


def test_the_contract_page_shows_its_examination_or_the_rule_it_breaks(client, monde):
    client.force_login(monde["dcp"])
    html = client.get(reverse("marches:detail", args=[monde["sans_examen"].pk])).content.decode()
    assert 'data-testid="examen-manquant"' in html and "sans examen préalable" in html
    html = client.get(reverse("marches:detail", args=[monde["lancement"].marche.pk])).content.decode()
    assert reverse("examens:detail", args=[monde["lancement"].pk]) in html and "examen-manquant" not in html
    client.force_login(monde["acheteur"])
    html = client.get(reverse("marches:detail", args=[monde["a_ouvrir"].pk])).content.decode()
    assert reverse("examens:ouvrir", args=[monde["a_ouvrir"].pk]) in html
