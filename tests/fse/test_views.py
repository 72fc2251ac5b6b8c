"""The FSE+ pages: an operation and a participant's entry created through the forms (history recorded), bad input
refused in French with nothing written and what was typed kept, the exit and 6-month answers next to the
facilitators' Sortie, the completeness page (overdue first), the report exact for facilitators and masked for
élus (a cell of 2 reads « s », secret), a partner's report limited to its conventions, the XLSX without any name, and
the lists' SQL (a fixed number of queries however many rows)."""

import datetime
import html as html_lib
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import Role
from facilitateurs.models import Sortie
from fse.models import OperationFSE, ParticipationFSE
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ConventionFactory, IdentiteParticipantFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate()
ANNEE = 2025


class Monde:
    pass


@pytest.fixture
def monde():
    m = Monde()
    instance = OrganisationFactory(instance=True)
    m.partenaire = OrganisationFactory(partenaire=True, nom="Ville de Dax")
    m.autre_partenaire = OrganisationFactory(partenaire=True, nom="Ville de Mont-de-Marsan")
    m.facilitateur = UserFactory(role=Role.FACILITATEUR, organisation=instance, username="fse-facilitateur")
    m.admin = UserFactory(role=Role.ADMIN, organisation=instance)
    m.elu = UserFactory(role=Role.ELU, organisation=instance)
    m.dcp = UserFactory(role=Role.DCP, organisation=instance)
    m.user_partenaire = UserFactory(role=Role.PARTENAIRE, organisation=m.partenaire)
    m.convention = ConventionFactory(partenaire=m.partenaire, intitule="Convention Dax")
    m.convention_autre = ConventionFactory(partenaire=m.autre_partenaire, intitule="Convention Mont-de-Marsan")
    m.operation = OperationFSE.objects.create(
        reference="FSE-40-001", intitule="Parcours vers l'emploi", date_debut=datetime.date(2020, 1, 1),
        date_fin=datetime.date(2035, 12, 31), montant_fse=Decimal("150000"))
    m.operation.conventions.add(m.convention, m.convention_autre)
    return m


def _participation(operation, *, convention=None, participant=None, date_entree=datetime.date(ANNEE, 3, 1),
                   **champs):
    champs = {"situation_entree": "chomeur", "niveau_education": "cite_3_4", "handicap": "non", "pays_tiers": "non",
              "origine_etrangere": "non", "minorite": "non", "sans_abri": "non", "zone_rurale": "non", **champs}
    return ParticipationFSE.objects.create(
        operation=operation, participant=participant or ParticipantFactory(), convention=convention,
        date_entree=date_entree, date_information=date_entree, **champs)


def _texte(response) -> str:
    return html_lib.unescape(response.content.decode())


def _cellule(response, code) -> str:
    """The text of the report's value cell of an indicator."""
    match = re.search(rf'data-testid="valeur-{code}">(.*?)</td>', response.content.decode(), re.S)
    assert match, code
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


# Entering data through the pages ------------------------------------------------------------------------------

def test_a_facilitator_creates_an_operation_through_its_form(monde, client):
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:operation_create"), {
        "reference": "FSE-40-002", "intitule": "Insertion des jeunes", "date_debut": "2025-01-01",
        "date_fin": "2026-12-31", "montant_fse": "80 000,50", "facilitateurs": [monde.facilitateur.pk],
        "conventions": [monde.convention.pk]})
    operation = OperationFSE.objects.get(reference="FSE-40-002")
    assert response.status_code == 302 and response["Location"] == reverse("fse:operation_detail", args=[operation.pk])
    assert operation.montant_fse == Decimal("80000.50")
    assert list(operation.conventions.all()) == [monde.convention]
    assert operation.history.first().history_user == monde.facilitateur
    page = client.get(response["Location"])
    assert "Historique des modifications" in page.content.decode() and "Insertion des jeunes" in page.content.decode()


def test_an_operation_ending_before_it_starts_is_refused_in_french_and_keeps_what_was_typed(monde, client):
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:operation_create"), {
        "reference": "FSE-40-003", "intitule": "Opération à l'envers", "date_debut": "2026-01-01",
        "date_fin": "2025-01-01", "montant_fse": "1000"})
    assert response.status_code == 200
    texte = _texte(response)
    assert "La fin de l'opération précède son début." in texte
    assert 'value="FSE-40-003"' in texte and "Opération à l'envers" in texte
    assert texte.count("Erreur – ") == 1
    assert not OperationFSE.objects.filter(reference="FSE-40-003").exists()


def test_a_negative_amount_is_the_services_french_error_on_its_field(monde, client):
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:operation_create"), {
        "reference": "FSE-40-004", "intitule": "Montant négatif", "date_debut": "2025-01-01",
        "date_fin": "2025-12-31", "montant_fse": "-1"})
    assert response.status_code == 200
    texte = _texte(response)
    assert "Un montant ne peut pas être négatif." in texte and texte.count("Erreur – ") == 1
    assert 'value="FSE-40-004"' in texte and not OperationFSE.objects.filter(reference="FSE-40-004").exists()


@pytest.mark.parametrize("valeur", ["99999999999999999999", "²", "-1", "1e5"])
def test_hostile_ids_in_the_forms_are_a_french_error_not_a_500(monde, client, valeur):
    ParticipantFactory(code="P-HOSTILE")
    client.force_login(monde.facilitateur)
    operation = client.post(reverse("fse:operation_create"), {
        "reference": "FSE-H", "intitule": "Hostile", "date_debut": "2025-01-01", "date_fin": "2025-12-31",
        "montant_fse": "10", "conventions": [valeur], "facilitateurs": [valeur]})
    assert operation.status_code == 200 and "n’est pas une valeur correcte" in _texte(operation)
    entree = client.post(reverse("fse:participation_create", args=[monde.operation.pk]), {
        "code": "P-HOSTILE", "date_entree": "2025-03-03", "date_information": "2025-03-03", "convention": valeur})
    assert entree.status_code == 200 and "Sélectionnez un choix valide" in _texte(entree)
    assert not OperationFSE.objects.filter(reference="FSE-H").exists() and not ParticipationFSE.objects.exists()


def test_a_facilitator_enters_a_participant_with_the_entry_questionnaire(monde, client):
    participant = ParticipantFactory(code="P-FSE-001")
    client.force_login(monde.facilitateur)
    url = reverse("fse:participation_create", args=[monde.operation.pk])
    assert "Ne souhaite pas répondre" in client.get(url).content.decode()
    response = client.post(url, {
        "code": "p-fse-001", "date_entree": "2025-03-03", "date_information": "2025-03-03",
        "convention": monde.convention.pk, "situation_entree": "chomeur_ld", "niveau_education": "cite_0_2",
        "handicap": "nspr", "pays_tiers": "non", "origine_etrangere": "oui", "minorite": "nspr", "sans_abri": "non",
        "zone_rurale": ""})
    assert response.status_code == 302
    participation = ParticipationFSE.objects.get(operation=monde.operation, participant=participant)
    assert (participation.situation_entree, participation.handicap, participation.zone_rurale) == (
        "chomeur_ld", "nspr", "")
    assert participation.convention == monde.convention
    assert participation.history.get().history_user == monde.facilitateur
    detail = client.get(response["Location"]).content.decode()
    assert "P-FSE-001" in detail
    page = client.get(reverse("fse:participation_update", args=[participation.pk])).content.decode()
    assert "Historique des modifications" in page and "Création" in page


def test_an_unknown_code_is_refused_in_french_and_nothing_is_written(monde, client):
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:participation_create", args=[monde.operation.pk]), {
        "code": "P-INCONNU", "date_entree": "2025-03-03", "date_information": "2025-03-02",
        "situation_entree": "inactif"})
    assert response.status_code == 200
    texte = _texte(response)
    assert "Aucun participant n'a ce code" in texte
    assert 'value="P-INCONNU"' in texte and 'value="2025-03-02"' in texte
    assert re.search(r'value="inactif"[^>]*checked', texte)
    assert not ParticipationFSE.objects.exists()


def test_an_entry_outside_the_operation_is_the_services_french_error_on_its_field(monde, client):
    ParticipantFactory(code="P-FSE-002")
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:participation_create", args=[monde.operation.pk]), {
        "code": "P-FSE-002", "date_entree": "2040-01-01", "date_information": "2025-01-01"})
    assert response.status_code == 200
    texte = _texte(response)
    assert "La date d'entrée doit être comprise dans la période de l'opération" in texte
    assert 'value="2040-01-01"' in texte
    assert not ParticipationFSE.objects.exists()


@pytest.mark.parametrize(("champs", "message"), [
    ({"date_entree": "2025-13-45"}, "Saisissez une date valide."),
    ({"date_information": "2099-01-01"}, "La date d'information ne peut pas être dans le futur."),
    ({"code": "P-DEJA"}, "Ce participant est déjà entré dans cette opération."),
    ({"situation_entree": "rentier"}, "Sélectionnez un choix valide"),
])
def test_a_bad_entry_is_refused_in_french_and_nothing_is_written(monde, client, champs, message):
    deja = _participation(monde.operation, participant=ParticipantFactory(code="P-DEJA"))
    ParticipantFactory(code="P-NOUVEAU")
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:participation_create", args=[monde.operation.pk]), {
        "code": "P-NOUVEAU", "date_entree": "2025-03-03", "date_information": "2025-03-03", **champs})
    assert response.status_code == 200 and message in _texte(response)
    assert list(ParticipationFSE.objects.all()) == [deja] and deja.history.count() == 1


def test_the_exit_answers_sit_next_to_the_sortie_of_the_insertion_follow_up(monde, client):
    participation = _participation(monde.operation)
    client.force_login(monde.facilitateur)
    url = reverse("fse:participation_sortie", args=[participation.pk])
    sans = client.get(url).content.decode()
    assert reverse("facilitateurs:sortie_create", args=[participation.participant_id]) in sans
    sortie = Sortie.objects.create(participant=participation.participant, date_sortie=datetime.date(ANNEE, 9, 30),
                                   categorie="EMPLOI_DURABLE")
    avec = _texte(client.get(url))
    assert "30/09/2025" in avec and "Emploi durable" in avec
    assert reverse("facilitateurs:sortie_update", args=[sortie.pk]) in avec
    # the operation's page shows the same exit (the rule of fse.selectors) on the participant's row
    ligne = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{participation.participant.code}</a>.*?</tr>",
                      _texte(client.get(reverse("fse:operation_detail", args=[monde.operation.pk]))), re.S).group(0)
    assert "30/09/2025" in ligne and "Emploi durable" in ligne
    response = client.post(url, {"sortie_recherche_emploi": "non", "sortie_formation": "oui",
                                 "sortie_qualification": ""})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert (participation.sortie_recherche_emploi, participation.sortie_formation,
            participation.sortie_qualification) == (False, True, None)
    assert participation.history.first().history_user == monde.facilitateur
    suivi = client.post(reverse("fse:participation_suivi", args=[participation.pk]),
                        {"situation_amelioree_6_mois": "oui"})
    assert suivi.status_code == 302
    participation.refresh_from_db()
    assert participation.situation_amelioree_6_mois is True


def test_a_hostile_answer_is_refused_and_nothing_changes(monde, client):
    participation = _participation(monde.operation)
    client.force_login(monde.facilitateur)
    response = client.post(reverse("fse:participation_sortie", args=[participation.pk]),
                           {"sortie_formation": "peut-être"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in _texte(response)
    participation.refresh_from_db()
    assert participation.sortie_formation is None and participation.history.count() == 1


# Completeness -------------------------------------------------------------------------------------------------

def test_the_completeness_page_lists_the_overdue_record_first(monde, client):
    recent = _participation(monde.operation, participant=ParticipantFactory(code="P-RECENT"),
                            date_entree=AUJOURDHUI - datetime.timedelta(days=3), niveau_education="")
    ancien = _participation(monde.operation, participant=ParticipantFactory(code="P-ANCIEN"),
                            date_entree=AUJOURDHUI - datetime.timedelta(days=90), handicap="")
    _participation(monde.operation, participant=ParticipantFactory(code="P-COMPLET"),
                   date_entree=AUJOURDHUI - datetime.timedelta(days=90))
    client.force_login(monde.facilitateur)
    texte = _texte(client.get(reverse("fse:a_completer")))
    assert "P-COMPLET" not in texte
    assert texte.index("P-ANCIEN") < texte.index("P-RECENT")
    total = re.search(r'data-testid="total">(.*?)</p>', texte, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", total).split()) == "2 dossiers à compléter, dont 1 en retard."
    assert reverse("fse:participation_update", args=[ancien.pk]) in texte
    autre = OperationFSE.objects.create(reference="FSE-40-009", intitule="Autre", date_debut=datetime.date(2020, 1, 1),
                                        date_fin=datetime.date(2035, 1, 1), montant_fse=Decimal("1"))
    filtre = _texte(client.get(reverse("fse:a_completer"), {"operation": autre.pk}))
    assert "P-ANCIEN" not in filtre and "Aucun dossier à compléter" in filtre
    detail = _texte(client.get(reverse("fse:operation_detail", args=[monde.operation.pk])))
    assert "En retard depuis le" in detail and recent.participant.code in detail


# The report ---------------------------------------------------------------------------------------------------

def test_a_cell_of_two_reads_less_than_three_for_an_elu_and_two_for_a_facilitator(monde, client):
    for _ in range(2):
        _participation(monde.operation, convention=monde.convention, handicap="oui")
    for _ in range(3):
        _participation(monde.operation, convention=monde.convention, situation_entree="inactif")
    url = reverse("fse:rapport")
    client.force_login(monde.facilitateur)
    exact = client.get(url, {"annee": ANNEE})
    assert _cellule(exact, "EECO12") == "2" and _cellule(exact, "EECO04") == "3"
    assert reverse("fse:export_xlsx") in exact.content.decode()
    for lecteur in (monde.elu, monde.dcp):
        client.force_login(lecteur)
        masque = client.get(url, {"annee": ANNEE})
        assert _cellule(masque, "EECO12").startswith("s") and "secret statistique" in _cellule(masque, "EECO12")
        # EECO01 = 5 is shown: EECO04 = 3 beside it would give back the 2 unemployed (EECO02) by subtraction
        assert _cellule(masque, "EECO01") == "5" and _cellule(masque, "EECO02").startswith("s")
        assert _cellule(masque, "EECO04").startswith("s")
        assert reverse("fse:export_xlsx") not in masque.content.decode()
    # a figure has one definition, written next to it
    assert "Participants entrés dans une opération pendant l'année" in _texte(masque)


def test_a_partner_reads_only_its_conventions_counts(monde, client):
    for _ in range(3):
        _participation(monde.operation, convention=monde.convention, situation_entree="chomeur")
    for _ in range(4):
        _participation(monde.operation, convention=monde.convention_autre, situation_entree="chomeur")
    client.force_login(monde.facilitateur)
    assert _cellule(client.get(reverse("fse:rapport"), {"annee": ANNEE}), "EECO02") == "7"
    client.force_login(monde.user_partenaire)
    response = client.get(reverse("fse:rapport"), {"annee": ANNEE, "operation": monde.operation.pk})
    assert response.status_code == 200
    assert _cellule(response, "EECO02") == "3"
    assert "Ville de Dax" in _texte(response)
    # an operation covering none of its conventions is not offered, and asking for it changes nothing
    autre = OperationFSE.objects.create(reference="FSE-B-ONLY", intitule="Seulement B",
                                        date_debut=datetime.date(2020, 1, 1), date_fin=datetime.date(2035, 1, 1),
                                        montant_fse=Decimal("1"))
    autre.conventions.add(monde.convention_autre)
    devine = client.get(reverse("fse:rapport"), {"annee": ANNEE, "operation": autre.pk})
    assert "FSE-B-ONLY" not in devine.content.decode() and _cellule(devine, "EECO02") == "3"
    sans_organisation = UserFactory(role=Role.PARTENAIRE, organisation=None)
    client.force_login(sans_organisation)
    assert client.get(reverse("fse:rapport")).status_code == 403


@pytest.mark.parametrize("valeur", ["²", "99999999999999999999", "-1", "", "x" * 300])
def test_hostile_report_parameters_show_the_current_year(monde, client, valeur):
    client.force_login(monde.elu)
    response = client.get(reverse("fse:rapport"), {"annee": valeur, "operation": valeur})
    assert response.status_code == 200
    assert f"Indicateurs communs FSE+ : {AUJOURDHUI.year}" in _texte(response)


def test_the_xlsx_downloads_with_codes_and_no_name(monde, client):
    from openpyxl import load_workbook

    identite = IdentiteParticipantFactory(nom="Zephyrinelle", prenom="Quirinalde")
    _participation(monde.operation, participant=identite.participant, convention=monde.convention)
    client.force_login(monde.facilitateur)
    response = client.get(reverse("fse:export_xlsx"), {"annee": ANNEE, "operation": monde.operation.pk})
    assert response.status_code == 200
    assert 'filename="fse-participants-2025-fse-40-001.xlsx"' in response["Content-Disposition"]
    feuille = load_workbook(io.BytesIO(response.content)).active
    valeurs = [str(c) for ligne in feuille.iter_rows(values_only=True) for c in ligne if c is not None]
    assert identite.participant.code in valeurs and "FSE-40-001" in valeurs
    assert not any("Zephyrinelle" in v or "Quirinalde" in v for v in valeurs)
    client.force_login(monde.elu)
    assert client.get(reverse("fse:export_xlsx"), {"annee": ANNEE}).status_code == 403


# SQL snapshots: the lists run a fixed number of queries however many rows ------------------------------------

def _grandir(monde):
    """Each call adds operations, participations in every state (complete, entry missing, exit recorded with
    answers missing, 6 months due) and their exits."""
    monde.rang = getattr(monde, "rang", 0)
    for _ in range(4):
        monde.rang += 1
        operation = OperationFSE.objects.create(
            reference=f"FSE-S-{monde.rang:03d}", intitule=f"Opération {monde.rang}", date_debut=datetime.date(2020, 1, 1),
            date_fin=datetime.date(2035, 12, 31), montant_fse=Decimal("1000"))
        operation.conventions.add(monde.convention)
        for cible in (operation, monde.operation):
            _participation(cible, convention=monde.convention, date_entree=datetime.date(ANNEE, 2, 1))
            _participation(cible, convention=monde.convention_autre, handicap="",
                           date_entree=AUJOURDHUI - datetime.timedelta(days=60))
            sortie = _participation(cible, convention=monde.convention, date_entree=datetime.date(ANNEE, 1, 10))
            Sortie.objects.create(participant=sortie.participant, date_sortie=datetime.date(ANNEE, 4, 1),
                                  categorie="EMPLOI_TRANSITION", date_suivi_6_mois=datetime.date(ANNEE, 10, 1),
                                  categorie_6_mois="EMPLOI_DURABLE")


@pytest.mark.parametrize(("nom", "role", "url"), [
    ("operations", "facilitateur", lambda m: reverse("fse:operations")),
    ("operation_detail", "facilitateur", lambda m: reverse("fse:operation_detail", args=[m.operation.pk])),
    ("a_completer", "facilitateur", lambda m: reverse("fse:a_completer")),
    ("rapport", "facilitateur", lambda m: reverse("fse:rapport") + f"?annee={ANNEE}"),
    ("rapport_partenaire", "partenaire", lambda m: reverse("fse:rapport") + f"?annee={ANNEE}"),
    ("export_xlsx", "facilitateur", lambda m: reverse("fse:export_xlsx") + f"?annee={ANNEE}"),
])
def test_lists_queries_do_not_grow_and_match_their_snapshots(monde, client, snapshot_update, nom, role, url):
    """As tests.sql_snapshots.assert_queries_stable, with the operation's history read in a stable order."""
    from tests.sql_snapshots import assert_matches_snapshot, capture

    client.force_login(monde.facilitateur if role == "facilitateur" else monde.user_partenaire)
    capture(client, url(monde))  # warms the process's caches
    _grandir(monde)
    avant = _historique_m2m_trie(capture(client, url(monde)))
    _grandir(monde)
    apres = _historique_m2m_trie(capture(client, url(monde)))
    assert len(apres) == len(avant), f"{nom}: {len(avant)} queries, then {len(apres)} with more rows"
    assert apres == avant, f"{nom}: the queries depend on the number of rows"
    assert_matches_snapshot(f"fse_views_{nom}", avant, update=snapshot_update)


HISTORIQUE_M2M = re.compile(r'FROM "fse_historicaloperationfse_')


def _historique_m2m_trie(requetes: list[str]) -> list[str]:
    """django-simple-history's diff_against reads the many-to-many fields of a history record in the order of a set
    of their names, which changes with Python's hash seed (one process to the next): each run of such reads is
    sorted, so that the snapshot is the same in every process. Their number still counts."""
    resultat, bloc = [], []
    for requete in requetes:
        if HISTORIQUE_M2M.search(requete):
            bloc.append(requete)
            continue
        resultat += sorted(bloc) + [requete]
        bloc = []
    return resultat + sorted(bloc)
