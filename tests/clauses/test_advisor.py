import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clauses.advisor import Historique, Niveau, Situation, regles
from clauses.enums import TypeClause
from clauses.models import ClauseMarche
from core.enums import Role
from marches.conseil import recommandations
from marches.services import clause_marche_enregistrer
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.marches.factories import MarcheFactory

APRES = datetime.date(2026, 9, 15)
AVANT = datetime.date(2026, 3, 1)


def situation(**kwargs):
    base = dict(famille_nom="Bâtiment", part_main_oeuvre=Decimal("0.5"), taux_insertion=Decimal("0.05"),
                cout_horaire=Decimal("30"), montant=Decimal("500000"), date_lancement=AVANT, travaux=True,
                seuil=Decimal("5404000"), seuil_libelle="travaux 2026–2027")
    base.update(kwargs)
    return Situation(**base)


def par_type(recos):
    return {r.type: r for r in recos}


def test_environmental_condition_and_criterion_required_from_21_august_2026():
    recos = par_type(regles(situation(date_lancement=APRES)))
    for type_clause in (TypeClause.CONDITION_ENVIRONNEMENTALE, TypeClause.CRITERE_ENVIRONNEMENTAL):
        assert recos[type_clause].niveau == Niveau.OBLIGATOIRE
        assert "15/09/2026" in recos[type_clause].raisons[0]
    assert "L2152-7" in recos[TypeClause.CRITERE_ENVIRONNEMENTAL].raisons[0]


def test_before_the_law_environment_is_recommended_not_required():
    recos = par_type(regles(situation(date_lancement=AVANT)))
    assert recos[TypeClause.CONDITION_ENVIRONNEMENTALE].niveau == Niveau.RECOMMANDEE
    unknown = par_type(regles(situation(date_lancement=None)))
    assert unknown[TypeClause.CONDITION_ENVIRONNEMENTALE].niveau == Niveau.RECOMMANDEE
    assert any("Date de lancement inconnue" in r for r in unknown[TypeClause.CONDITION_ENVIRONNEMENTALE].raisons)


def test_defence_contracts_are_excluded():
    recos = par_type(regles(situation(date_lancement=APRES, defense=True, montant=Decimal("9000000"))))
    assert recos[TypeClause.CONDITION_ENVIRONNEMENTALE].niveau == Niveau.RECOMMANDEE
    assert recos[TypeClause.INSERTION].niveau != Niveau.OBLIGATOIRE


def test_social_condition_required_at_or_above_the_eu_threshold_after_the_law():
    reco = par_type(regles(situation(montant=Decimal("5404000"), date_lancement=APRES)))[TypeClause.INSERTION]
    assert reco.niveau == Niveau.OBLIGATOIRE
    assert "5\u202f404\u202f000\u00a0€" in reco.raisons[0] and "L2112-2-1" in reco.raisons[0]
    below = par_type(regles(situation(montant=Decimal("5403999"), date_lancement=APRES)))[TypeClause.INSERTION]
    assert below.niveau == Niveau.RECOMMANDEE
    assert any("non atteint" in r for r in below.raisons)


def test_insertion_recommended_on_labour_intensive_contracts_with_estimated_hours():
    reco = par_type(regles(situation()))[TypeClause.INSERTION]
    assert reco.niveau == Niveau.RECOMMANDEE
    assert any("417\u00a0h" in r and "1 parcours" in r for r in reco.raisons)  # 500 000 × 50 % × 5 % ÷ 30


def test_insertion_not_a_priority_when_labour_share_is_low_or_amount_small():
    low = par_type(regles(situation(part_main_oeuvre=Decimal("0.05"), montant=Decimal("300000"))))
    assert low[TypeClause.INSERTION].niveau == Niveau.NON_PRIORITAIRE
    assert "Main-d'œuvre faible" in low[TypeClause.INSERTION].raisons[0]
    small = par_type(regles(situation(montant=Decimal("20000"))))
    assert small[TypeClause.INSERTION].niveau == Niveau.NON_PRIORITAIRE
    middle = par_type(regles(situation(montant=Decimal("60000"))))
    assert middle[TypeClause.INSERTION].niveau == Niveau.A_ENVISAGER


def test_reservation_suggested_for_families_where_structures_exist():
    recos = par_type(regles(situation(reservation_conseillee="SIAE", travaux=False, seuil=Decimal("216000"),
                                      montant=Decimal("120000"), part_main_oeuvre=Decimal("0.8"))))
    assert recos[TypeClause.RESERVE_SIAE].niveau == Niveau.RECOMMANDEE
    assert recos[TypeClause.CRITERE_SOCIAL].niveau == Niveau.A_ENVISAGER
    none = par_type(regles(situation()))
    assert not ({TypeClause.RESERVE_SIAE, TypeClause.RESERVE_EA_ESAT, TypeClause.RESERVE_ESS} & set(none))


def test_history_reasons_show_offers_with_and_without_clause():
    h = Historique(nb_marches=8, nb_avec_clause=4, offres_avec=Decimal("4.5"), nb_avec_offres=4,
                   offres_sans=Decimal("3"), nb_sans_offres=4)
    raisons = par_type(regles(situation(historique=h)))[TypeClause.INSERTION].raisons
    assert any("4 marchés sur 8 (50\u00a0%)" in r for r in raisons)
    assert any("4,5 avec clause" in r and "3,0 sans clause" in r for r in raisons)
    assert any("pas réduit la concurrence" in r for r in raisons)
    slightly_fewer = Historique(nb_marches=8, nb_avec_clause=4, offres_avec=Decimal("3.6"), nb_avec_offres=4,
                                offres_sans=Decimal("4"), nb_sans_offres=4)
    raisons = par_type(regles(situation(historique=slightly_fewer)))[TypeClause.INSERTION].raisons
    assert any("pas réduit la concurrence" in r for r in raisons)  # within 0.5 offer: noise
    worse = Historique(nb_marches=8, nb_avec_clause=4, offres_avec=Decimal("1.5"), nb_avec_offres=4,
                       offres_sans=Decimal("4"), nb_sans_offres=4)
    raisons = par_type(regles(situation(historique=worse)))[TypeClause.INSERTION].raisons
    assert any("Moins d'offres avec clause" in r for r in raisons)
    few = Historique(nb_marches=3, nb_avec_clause=1, offres_avec=Decimal("1"), nb_avec_offres=1,
                     offres_sans=Decimal("5"), nb_sans_offres=2)
    raisons = par_type(regles(situation(historique=few)))[TypeClause.INSERTION].raisons
    assert any("Trop peu de marchés pour conclure" in r for r in raisons)
    assert not any("Moins d'offres" in r for r in raisons)


def test_recommendations_sorted_most_binding_first():
    recos = regles(situation(date_lancement=APRES))
    ordre = [Niveau.ORDRE[r.niveau] for r in recos]
    assert ordre == sorted(ordre)


@pytest.mark.django_db
def test_buyer_history_from_the_database_and_already_present_clauses():
    famille = FamilleAchatFactory()
    acheteur = OrganisationFactory(instance=True)
    for offres, clause in ((4, True), (5, True), (4, True), (3, False), (3, False), (3, False)):
        MarcheFactory(acheteur=acheteur, famille=famille, offres_recues=offres, clause_sociale=clause)
    MarcheFactory(famille=famille, offres_recues=0, clause_sociale=True,
                  acheteur=OrganisationFactory(partenaire=True))  # another buyer: not counted
    marche = MarcheFactory(acheteur=acheteur, famille=famille, montant_ht=Decimal("6000000"),
                           date_lancement=APRES, code_cpv="45210000-2")
    clause_marche_enregistrer(clause=ClauseMarche(marche=marche, type_clause=TypeClause.CONDITION_ENVIRONNEMENTALE))
    recos = par_type(recommandations(marche))
    insertion = recos[TypeClause.INSERTION]
    assert insertion.niveau == Niveau.OBLIGATOIRE  # 6 M€ ≥ 5 404 000 € (thresholds seeded by marches)
    assert any("3 marchés sur 6" in r for r in insertion.raisons)
    assert any("4,3 avec clause (3 marchés) contre 3,0 sans clause (3 marchés)" in r for r in insertion.raisons)
    assert any("pas réduit la concurrence" in r for r in insertion.raisons)
    assert recos[TypeClause.CONDITION_ENVIRONNEMENTALE].deja_prevue
    assert not insertion.deja_prevue


@pytest.mark.django_db
def test_drafting_endpoint_answers_json_from_get_parameters(client):
    famille = FamilleAchatFactory(nom="Bâtiment", prefixes_cpv=["45"])
    client.force_login(UserFactory(role=Role.ACHETEUR, organisation=OrganisationFactory(instance=True)))
    data = client.get(reverse("clauses:conseil_brouillon"),
                      {"cpv": "45210000-2", "montant": "6 000 000", "date_lancement": "2026-09-01"}).json()
    assert data["famille"] == famille.nom
    niveaux = {r["type"]: r["niveau"] for r in data["recommandations"]}
    assert niveaux[TypeClause.INSERTION] == Niveau.OBLIGATOIRE
    assert niveaux[TypeClause.CRITERE_ENVIRONNEMENTAL] == Niveau.OBLIGATOIRE
    bad = client.get(reverse("clauses:conseil_brouillon"), {"montant": "abc", "date_lancement": "hier",
                                                            "famille": "x"})
    assert bad.status_code == 200 and bad.json()["famille"] is None


@pytest.mark.django_db
def test_conseil_page_shows_reasons(client):
    famille = FamilleAchatFactory(nom="Bâtiment", prefixes_cpv=["45"])
    marche = MarcheFactory(famille=famille, montant_ht=Decimal("500000"), date_lancement=APRES)
    client.force_login(UserFactory(role=Role.ELU))
    content = client.get(reverse("clauses:conseil", args=[marche.pk])).content.decode()
    assert "Obligatoire" in content and "417\u00a0h" in content


def test_few_estimated_hours_make_insertion_an_option_not_a_recommendation():
    reco = par_type(regles(situation(montant=Decimal("345000"), part_main_oeuvre=Decimal("0.6"),
                                     taux_insertion=Decimal("0.03"), cout_horaire=Decimal("50"))))[TypeClause.INSERTION]
    assert reco.niveau == Niveau.A_ENVISAGER  # 124 h estimated
    assert any("124\u00a0h" in r for r in reco.raisons) and "moins de 200 heures" in reco.raisons[0]
