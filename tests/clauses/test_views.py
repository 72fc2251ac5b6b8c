import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, ClauseModele, Diagnostic, DiagnosticQuestion, FamilleAchat
from clauses.services import clause_modele_creer
from core.enums import Role
from marches.services import clause_marche_enregistrer
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.marches.factories import LotFactory, MarcheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dcp(client):
    user = UserFactory(role=Role.DCP)
    client.force_login(user)
    return user


def modele_insertion(famille=None):
    return clause_modele_creer(
        modele=ClauseModele(titre="Insertion", type_clause=TypeClause.INSERTION),
        texte="Le titulaire réalise {heures_requises} ({montant_ht} × {part_main_oeuvre} × {taux_insertion} ÷ "
              "{cout_horaire}).", familles=[famille] if famille else [])


# --- Families -------------------------------------------------------------------------------------------

def test_family_created_with_percentages_and_prefixes(client, dcp):
    response = client.post(reverse("clauses:famille_create"), {
        "nom": "Nettoyage", "prefixes": "90.9, 9091", "part_pct": "80", "taux_pct": "10", "cout_horaire": "25",
    })
    famille = FamilleAchat.objects.get(nom="Nettoyage")
    assert response.status_code == 302
    assert famille.prefixes_cpv == ["909", "9091"]
    assert famille.part_main_oeuvre == Decimal("0.8") and famille.taux_insertion == Decimal("0.1")


def test_family_form_errors_keep_the_input(client, dcp):
    response = client.post(reverse("clauses:famille_create"), {
        "nom": "Nettoyage", "prefixes": "90a", "part_pct": "150", "taux_pct": "10", "cout_horaire": "0",
    })
    content = response.content.decode()
    assert response.status_code == 200 and not FamilleAchat.objects.exists()
    assert "pas un préfixe CPV" in content and "Le coût horaire doit être positif" in content
    assert 'value="Nettoyage"' in content


def test_archive_needs_confirmation_then_toggles(client, dcp):
    famille = FamilleAchatFactory(prefixes_cpv=["909"])
    url = reverse("clauses:famille_archive", args=[famille.pk])
    assert "Archiver" in client.get(url).content.decode()
    famille.refresh_from_db()
    assert famille.is_active
    client.post(url)
    famille.refresh_from_db()
    assert not famille.is_active
    assert client.get(reverse("clauses:famille_suggestion"), {"cpv": "90910000"}).json() == {"famille": None}
    client.post(url)
    famille.refresh_from_db()
    assert famille.is_active


def test_family_suggestion_endpoint(client, dcp):
    famille = FamilleAchatFactory(nom="Voirie", prefixes_cpv=["4523"], taux_insertion=Decimal("0.07"))
    data = client.get(reverse("clauses:famille_suggestion"), {"cpv": "45233140-2"}).json()
    assert data["famille"]["id"] == famille.pk and data["famille"]["taux_insertion"] == "0.0700"
    assert client.get(reverse("clauses:famille_suggestion"), {"cpv": "<script>"}).json() == {"famille": None}


def test_family_detail_shows_history(client, dcp):
    famille = FamilleAchatFactory()
    client.post(reverse("clauses:famille_update", args=[famille.pk]), {
        "nom": famille.nom, "prefixes": "45", "part_pct": "60", "taux_pct": "5", "cout_horaire": "30",
    })
    content = client.get(reverse("clauses:famille_detail", args=[famille.pk])).content.decode()
    assert "Historique des modifications" in content and "Modification" in content


# --- Clausier ----------------------------------------------------------------------------------------------

def test_clausier_filters(client, dcp):
    famille = FamilleAchatFactory(nom="Nettoyage")
    modele_insertion(famille)
    env = clause_modele_creer(modele=ClauseModele(titre="Produits écolabellisés",
                                                   type_clause=TypeClause.CONDITION_ENVIRONNEMENTALE),
                               texte="Écolabel européen.")
    archived = clause_modele_creer(modele=ClauseModele(titre="Ancienne", type_clause=TypeClause.AUTRE,
                                                        is_active=False), texte="Vieux texte.")
    url = reverse("clauses:clausier")
    assert "Produits écolabellisés" not in client.get(url, {"type": TypeClause.INSERTION}).content.decode()
    content = client.get(url, {"q": "écolabel"}).content.decode()
    assert env.titre in content and "Insertion" not in content.split("<tbody>")[1]
    assert archived.titre not in client.get(url).content.decode()
    assert archived.titre in client.get(url, {"statut": "archivees"}).content.decode()
    assert client.get(url, {"famille": "abc", "type": "zzz", "statut": "??"}).status_code == 200


def test_clausier_archive_and_reactivate(client, dcp):
    modele = modele_insertion()
    url = reverse("clauses:clause_modele_archive", args=[modele.pk])
    client.post(url)
    modele.refresh_from_db()
    assert not modele.is_active
    client.post(url)
    modele.refresh_from_db()
    assert modele.is_active


@pytest.mark.parametrize("url_name", ["clauses:clausier", "clauses:familles", "clauses:diagnostics"])
def test_clausier_and_families_lists_queries_do_not_grow_and_match_their_snapshots(url_name, client, dcp,
                                                                                  snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    familles = [FamilleAchatFactory() for _ in range(3)]
    for i in range(5):
        m = modele_insertion(familles[i % 3])
        m.familles.add(*familles)

    def grow():
        for i in range(25):
            m = modele_insertion(familles[i % 3])
            m.familles.add(*familles)
        for _ in range(20):
            FamilleAchatFactory()

    assert_queries_stable(f"clauses_views_{url_name.split(':')[1]}", client, reverse(url_name), grow,
                          update=snapshot_update)


# --- Clauses on a contract ------------------------------------------------------------------------------------

@pytest.fixture
def contrat():
    famille = FamilleAchatFactory(part_main_oeuvre=Decimal("0.5"), taux_insertion=Decimal("0.05"),
                                  cout_horaire=Decimal("30"))
    direction = DirectionFactory()
    marche = MarcheFactory(acheteur=direction.organisation, direction=direction, famille=famille,
                           montant_ht=Decimal("1000000"), clause_sociale=False, critere_environnemental=True)
    return marche


def test_add_insertion_clause_with_family_defaults(client, contrat):
    user = UserFactory(role=Role.ACHETEUR, direction=contrat.direction, organisation=contrat.acheteur)
    client.force_login(user)
    modele = modele_insertion(contrat.famille)
    url = reverse("clauses:clause_ajout", args=[contrat.pk])
    assert "Insertion" in client.get(url).content.decode()  # step 1: the advisor and the library
    form_page = client.get(url, {"modele": modele.pk}).content.decode()
    assert "défaut de la famille : 50" in form_page
    response = client.post(url + f"?modele={modele.pk}", {"mode_calcul": "taux", "delai": ""})
    assert response.status_code == 302
    clause = ClauseMarche.objects.get(marche=contrat)
    assert clause.heures_requises == Decimal("833") and clause.version == modele.version_courante
    assert clause.texte.startswith("Le titulaire réalise 833\u00a0h (1\u202f000\u202f000,00\u00a0€ × 50\u00a0%")
    contrat.refresh_from_db()
    # The clause adds the social clause; the environmental criterion the buyer declared stays.
    assert contrat.clause_sociale and contrat.critere_environnemental and not contrat.clause_environnementale
    page = client.get(reverse("clauses:marche_clauses", args=[contrat.pk])).content.decode()
    assert "833\u00a0h" in page and "Copier" in page


def test_override_requires_a_reason(client, contrat):
    client.force_login(UserFactory(role=Role.DCP))
    modele = modele_insertion(contrat.famille)
    url = reverse("clauses:clause_ajout", args=[contrat.pk]) + f"?modele={modele.pk}"
    response = client.post(url, {"mode_calcul": "taux", "taux_pct": "10"})
    assert response.status_code == 200 and "Indiquez le motif" in response.content.decode()
    assert 'value="10"' in response.content.decode()
    assert not ClauseMarche.objects.exists()
    client.post(url, {"mode_calcul": "taux", "taux_pct": "10", "motif_derogation": "Quartier prioritaire"})
    clause = ClauseMarche.objects.get()
    assert clause.taux_insertion == Decimal("0.1") and clause.heures_requises == Decimal("1667")
    # The family default typed again is not an override: no reason needed, and it keeps following the family.
    client.post(reverse("clauses:clause_modifier", args=[clause.pk]), {"mode_calcul": "taux", "taux_pct": "5"})
    clause.refresh_from_db()
    assert clause.taux_insertion is None and clause.heures_requises == Decimal("833")


def test_flat_variant_and_forced_hours(client, contrat):
    client.force_login(UserFactory(role=Role.ADMIN))
    modele = modele_insertion(contrat.famille)
    url = reverse("clauses:clause_ajout", args=[contrat.pk]) + f"?modele={modele.pk}"
    response = client.post(url, {"mode_calcul": "forfait"})
    assert "demande le montant facturé par heure" in response.content.decode()
    client.post(url, {"mode_calcul": "forfait", "euros_par_heure": "2000"})
    assert ClauseMarche.objects.get().heures_requises == Decimal("500")
    clause = ClauseMarche.objects.get()
    client.post(reverse("clauses:clause_modifier", args=[clause.pk]),
                {"mode_calcul": "taux", "heures_forcees": "700", "motif_derogation": "Convention de globalisation"})
    clause.refresh_from_db()
    assert clause.heures_requises == Decimal("700")


def test_clause_on_a_lot(client, contrat):
    lot = LotFactory(marche=contrat, montant_ht=Decimal("300000"))
    client.force_login(UserFactory(role=Role.DCP))
    modele = modele_insertion(contrat.famille)
    client.post(reverse("clauses:clause_ajout", args=[contrat.pk]) + f"?modele={modele.pk}",
                {"mode_calcul": "taux", "lot": lot.pk})
    clause = ClauseMarche.objects.get()
    assert clause.lot == lot and clause.heures_requises == Decimal("250")


def test_delete_with_confirmation_recomputes_considerations(client, contrat):
    client.force_login(UserFactory(role=Role.DCP))
    insertion = clause_marche_enregistrer(clause=ClauseMarche(marche=contrat, type_clause=TypeClause.INSERTION))
    clause_marche_enregistrer(clause=ClauseMarche(marche=contrat, type_clause=TypeClause.CRITERE_ENVIRONNEMENTAL))
    url = reverse("clauses:clause_supprimer", args=[insertion.pk])
    assert "Supprimer" in client.get(url).content.decode()
    assert ClauseMarche.objects.filter(pk=insertion.pk).exists()
    client.post(url)
    contrat.refresh_from_db()
    assert not ClauseMarche.objects.filter(pk=insertion.pk).exists()
    assert not contrat.clause_sociale and contrat.critere_environnemental


def test_download_as_text_and_markdown(client, contrat):
    client.force_login(UserFactory(role=Role.FACILITATEUR))
    modele = modele_insertion(contrat.famille)
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=contrat, type_clause=TypeClause.INSERTION,
                                                    version=modele.version_courante))
    url = reverse("clauses:clause_telecharger", args=[clause.pk])
    txt = client.get(url, {"format": "txt"})
    assert txt["Content-Type"].startswith("text/plain") and "attachment" in txt["Content-Disposition"]
    assert "833\u00a0h" in txt.content.decode()
    md = client.get(url, {"format": "md"})
    assert md.content.decode().startswith("# Insertion") and md["Content-Disposition"].endswith('.md"')


def test_buyer_of_another_direction_reads_but_cannot_edit(client, contrat):
    other = UserFactory(role=Role.ACHETEUR, direction=DirectionFactory(organisation=contrat.acheteur),
                        organisation=contrat.acheteur)
    clause = clause_marche_enregistrer(clause=ClauseMarche(marche=contrat, type_clause=TypeClause.INSERTION))
    client.force_login(other)
    page = client.get(reverse("clauses:marche_clauses", args=[contrat.pk]))
    assert page.status_code == 200 and "Ajouter une clause" not in page.content.decode()
    assert client.get(reverse("clauses:clause_ajout", args=[contrat.pk])).status_code == 403
    assert client.post(reverse("clauses:clause_supprimer", args=[clause.pk])).status_code == 403
    assert ClauseMarche.objects.filter(pk=clause.pk).exists()


def test_partner_reads_its_own_contracts_only(client):
    partenaire = OrganisationFactory(partenaire=True)
    own = MarcheFactory(acheteur=partenaire)
    other = MarcheFactory(acheteur=OrganisationFactory(partenaire=True))
    own_clause = clause_marche_enregistrer(clause=ClauseMarche(marche=own, type_clause=TypeClause.INSERTION))
    other_clause = clause_marche_enregistrer(clause=ClauseMarche(marche=other, type_clause=TypeClause.INSERTION))
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=partenaire))
    assert client.get(reverse("clauses:marche_clauses", args=[own.pk])).status_code == 200
    assert client.get(reverse("clauses:conseil", args=[own.pk])).status_code == 200
    assert client.get(reverse("clauses:clause_telecharger", args=[own_clause.pk])).status_code == 200
    assert client.get(reverse("clauses:clause_ajout", args=[own.pk])).status_code == 403
    assert client.get(reverse("clauses:clause_modifier", args=[own_clause.pk])).status_code == 403
    for url in (reverse("clauses:marche_clauses", args=[other.pk]), reverse("clauses:conseil", args=[other.pk]),
                reverse("clauses:clause_telecharger", args=[other_clause.pk]),
                reverse("clauses:clause_modifier", args=[other_clause.pk]),
                reverse("clauses:clause_supprimer", args=[other_clause.pk])):
        assert client.get(url).status_code == 404, url


def test_unknown_or_archived_model_is_404(client, contrat):
    client.force_login(UserFactory(role=Role.DCP))
    modele = modele_insertion()
    modele.is_active = False
    modele.save()
    url = reverse("clauses:clause_ajout", args=[contrat.pk])
    assert client.get(url, {"modele": modele.pk}).status_code == 404
    assert client.get(url, {"modele": "abc"}).status_code == 404


# --- Self-diagnosis ----------------------------------------------------------------------------------------------

def test_diagnostic_entry_scores_chart_and_actions(client, dcp):
    famille = FamilleAchatFactory()
    questions = list(DiagnosticQuestion.objects.all())
    assert len(questions) == 12  # the grid seeded by migration
    data = {f"q_{q.pk}": (3 if q.axe == "social" else 1 if q.axe == "environnemental" else 0) for q in questions}
    url = reverse("clauses:diagnostic_saisie", args=[famille.pk, 2026])
    assert client.post(url, {**data, f"q_{questions[0].pk}": "7"}).status_code == 200  # invalid note
    assert not Diagnostic.objects.exists()
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("clauses:diagnostic_famille", args=[famille.pk])).content.decode()
    assert "100 %" in page and "33 %" in page and "0 %" in page
    assert "chart.umd.min.js" in page and "Actions suggérées" in page
    assert "Pondérer un critère environnemental" in page  # action of a question scored 1
    # Next year starts pre-filled from the previous one.
    assert "autodiagnostic 2026 : ajustez" in client.get(
        reverse("clauses:diagnostic_saisie", args=[famille.pk, 2027])).content.decode()
    assert client.get(reverse("clauses:diagnostic_saisie", args=[famille.pk, 1900])).status_code == 404


def test_index_summarises(client, dcp):
    FamilleAchatFactory(nom="Espaces verts")
    modele_insertion()
    content = client.get(reverse("clauses:index")).content.decode()
    assert "Espaces verts" in content and "Clauses types actives" in content


def test_contract_clauses_page_queries_do_not_grow_and_match_the_snapshot(client, contrat, snapshot_update):
    client.force_login(UserFactory(role=Role.DCP))
    modele = modele_insertion(contrat.famille)
    lots = [LotFactory(marche=contrat, montant_ht=Decimal("1000")) for _ in range(5)]

    def add(n):
        for i in range(n):
            clause_marche_enregistrer(clause=ClauseMarche(marche=contrat, lot=lots[i % 5], type_clause=TypeClause.INSERTION,
                                                   version=modele.version_courante))

    from tests.sql_snapshots import assert_queries_stable

    add(5)
    assert_queries_stable("clauses_views_marche_clauses", client, reverse("clauses:marche_clauses", args=[contrat.pk]),
                          lambda: add(45), update=snapshot_update)


def test_index_lists_contracts_without_clause_of_the_buyers_direction(client):
    direction = DirectionFactory()
    mine = MarcheFactory(acheteur=direction.organisation, direction=direction, objet="Réfection du collège")
    MarcheFactory(acheteur=direction.organisation, direction=DirectionFactory(organisation=direction.organisation),
                  objet="Marché d'une autre direction")
    done = MarcheFactory(acheteur=direction.organisation, direction=direction, objet="Déjà clausé")
    clause_marche_enregistrer(clause=ClauseMarche(marche=done, type_clause=TypeClause.INSERTION))
    client.force_login(UserFactory(role=Role.ACHETEUR, direction=direction, organisation=direction.organisation))
    content = client.get(reverse("clauses:index")).content.decode()
    assert mine.objet in content and reverse("clauses:conseil", args=[mine.pk]) in content
    assert "autre direction" not in content and "Déjà clausé" not in content


@pytest.mark.parametrize("data, field_error", [
    ({"mode_calcul": "taux", "heures_forcees": "-5", "motif_derogation": "x"}, "négative"),
    ({"mode_calcul": "forfait", "euros_par_heure": "-2000"}, "doit être positif"),
    ({"mode_calcul": "taux", "part_pct": "abc"}, "Saisissez un nombre"),
    ({"mode_calcul": "inconnu"}, "Sélectionnez un choix valide"),
    ({"mode_calcul": "taux", "montant_base_ht": "1" * 30, "motif_derogation": "x"}, "chiffres"),
])
def test_bad_clause_input_is_a_form_error_not_a_500(client, contrat, data, field_error):
    client.force_login(UserFactory(role=Role.DCP))
    modele = modele_insertion(contrat.famille)
    response = client.post(reverse("clauses:clause_ajout", args=[contrat.pk]) + f"?modele={modele.pk}", data)
    assert response.status_code == 200 and field_error in response.content.decode()
    assert not ClauseMarche.objects.exists()


def test_drafting_endpoint_survives_odd_amounts(client, dcp):
    for montant in ("NaN", "-5", "Infinity", "1e999", "12,5", ""):
        assert client.get(reverse("clauses:conseil_brouillon"), {"montant": montant}).status_code == 200


def test_index_contracts_to_examine_non_compliant_first_then_latest_launch_first(client, dcp,
                                                                                 django_assert_num_queries):
    """Two reads since the national-scale index (non-compliant ones, then the others): the same order as one sort
    by (non-compliant first, latest launch, latest id), at most 10, without DECP contracts nor clause-bearing ones."""
    from clauses.selectors import marches_a_examiner, nb_clauses_des_marches
    from marches.models import Marche

    acheteur = OrganisationFactory()
    jour = datetime.date(2025, 1, 1)
    autres = [MarcheFactory(acheteur=acheteur, date_lancement=jour + datetime.timedelta(days=i)) for i in range(8)]
    meme_jour = [MarcheFactory(acheteur=acheteur, date_lancement=jour) for _ in range(2)]  # ties: latest id first
    non_conformes = [MarcheFactory(acheteur=acheteur, date_lancement=jour + datetime.timedelta(days=i))
                     for i in (3, 40, 7)]
    clause = MarcheFactory(acheteur=acheteur, date_lancement=jour + datetime.timedelta(days=99))
    clause_marche_enregistrer(clause=ClauseMarche(marche=clause, type_clause=TypeClause.INSERTION))
    decp = MarcheFactory(acheteur=acheteur, date_lancement=jour + datetime.timedelta(days=98), origine="decp")
    Marche.objects.filter(pk__in=[m.pk for m in non_conformes] + [clause.pk, decp.pk]).update(
        statut_conformite="non_conforme")
    Marche.objects.filter(pk__in=[m.pk for m in autres + meme_jour]).update(statut_conformite="conforme")

    attendus = [non_conformes[1], non_conformes[2], non_conformes[0], *reversed(autres[1:]),
                *sorted([autres[0], *meme_jour], key=lambda m: -m.pk)]
    assert [m.pk for m in marches_a_examiner(Marche.objects.all(), dcp, limit=20)] == [m.pk for m in attendus]
    assert [m.pk for m in marches_a_examiner(Marche.objects.all(), dcp)] == [m.pk for m in attendus[:10]]
    with django_assert_num_queries(1):  # two non-compliant ones fill the list: the others are not read
        assert [m.pk for m in marches_a_examiner(Marche.objects.all(), dcp, limit=2)] == [m.pk for m in attendus[:2]]
    with django_assert_num_queries(2):
        assert [m.pk for m in marches_a_examiner(Marche.objects.all(), dcp, limit=4)] == [m.pk for m in attendus[:4]]
    page = client.get(reverse("clauses:index"))
    assert [m.pk for m in page.context["a_examiner"]] == [m.pk for m in attendus[:10]]
    # Clauses on the contracts: every contract's (the DCP sees them all), or those of the contracts given.
    clause_marche_enregistrer(clause=ClauseMarche(marche=MarcheFactory(), type_clause=TypeClause.AUTRE))
    assert client.get(reverse("clauses:index")).context["nb_clauses_marches"] == 2
    assert nb_clauses_des_marches(Marche.objects.filter(acheteur=acheteur)) == 1
    assert nb_clauses_des_marches(Marche.objects.none()) == 0


def test_families_count_their_contracts_and_model_clauses_once_each(client, dcp):
    """Counted apart (a join of both would multiply them): 3 contracts and 2 model clauses, not 6 and 6."""
    from clauses.selectors import famille_list

    voirie = FamilleAchatFactory(nom="Voirie")
    FamilleAchatFactory(nom="Vide")
    acheteur = OrganisationFactory()
    for _ in range(3):
        MarcheFactory(acheteur=acheteur, famille=voirie)
    modele_insertion(voirie)
    modele_insertion(voirie)
    familles = {f.nom: f for f in famille_list(actives=True)}
    assert (familles["Voirie"].nb_marches, familles["Voirie"].nb_clauses) == (3, 2)
    assert (familles["Vide"].nb_marches, familles["Vide"].nb_clauses) == (0, 0)
    index = {f.nom: f.nb_marches for f in client.get(reverse("clauses:index")).context["familles"]}
    assert index["Voirie"] == 3 and index["Vide"] == 0
