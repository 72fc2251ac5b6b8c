from decimal import Decimal

import pytest

from bilans.resultats import Bloc, Manquement
from bilans.selectors import indicateurs_annuels, to_jsonable

D = Decimal


def test_contracts_of_the_year(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert data.acheteur_siret == jeu.instance.siret
    assert data.acheteur_departement == "40"
    assert data.annee == 2025
    assert data.marches_notifies == Bloc(5, D("200000"))
    assert data.marches_consideration_sociale == Bloc(2, D("130000"))
    assert data.marches_consideration_environnementale == Bloc(2, D("150000"))
    assert data.marches_clause_insertion == Bloc(1, D("100000"))
    assert data.heures_requises == D("300")
    c = data.considerations
    assert c.clause_sociale.nombre == 1 and c.critere_social.nombre == 0
    assert c.marche_reserve == Bloc(1, D("30000"))
    assert c.reserve_siae.nombre == 1 and c.reserve_ea_esat.nombre == 0
    assert c.critere_environnemental == Bloc(1, D("50000"))
    assert c.sociale_et_environnementale.nombre == 1
    assert data.objectifs_nationaux.sociale.part == D("0.4")
    assert data.objectifs_nationaux.sociale.atteint is True  # 40 % >= 30 %
    assert data.objectifs_nationaux.environnementale.part == D("0.4")
    assert data.objectifs_nationaux.environnementale.atteint is False  # 40 % < 100 %
    assert data.conformite.conforme.nombre == 1
    assert data.conformite.non_conforme.nombre == 1
    assert data.conformite.non_soumis.nombre == 3
    assert data.conformite.manquements == (Manquement("Critère environnemental", 1),)
    assert data.achats_siae == Bloc(1, D("30000"))
    assert data.achats_ess == Bloc(1, D("30000"))
    assert data.achats_ea_esat == Bloc(0, D("0"))


def test_hours_people_and_companies_of_the_year(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert data.heures_realisees == D("380")  # 100 + 50 + 40 + min(120, 0.3 × 300) + 3 000 € / 30
    assert data.heures_formation_declarees == D("120")
    assert data.heures_formation_comptees == D("90")
    assert data.participants == 3  # P4 has only a 0 h row
    assert data.entreprises == 3
    assert data.entreprises_locales == 2
    assert data.entreprises_locales_part == D("0.6667")


def test_cumul_since_first_year_with_hours(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert data.cumul.depuis == 2024
    assert data.cumul.heures_realisees == D("730")  # 290 + 200 + 90 + min(200, 0.3 × 500)
    assert data.cumul.participants == 4
    assert data.cumul.entreprises == 3
    assert data.cumul.entreprises_locales_part == D("0.6667")
    since_2025 = indicateurs_annuels(acheteur=jeu.instance, annee=2025, depuis=2025).cumul
    assert since_2025.depuis == 2025
    assert since_2025.heures_realisees == D("380")
    assert since_2025.participants == 3


def test_instance_is_the_default_buyer(jeu):
    assert indicateurs_annuels(annee=2025).acheteur_siret == jeu.instance.siret


def test_settings_drive_the_conversion_and_the_cap(jeu, settings):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 60, "FORMATION_PART_MAX": 0.5}
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    assert data.heures_realisees == D("100") + 50 + 40 + 120 + 50  # cap 150 > 120; 3 000 / 60


def test_breakdowns(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    modalites = {r.modalite: r for r in data.heures_par_modalite}
    assert modalites["EMBAUCHE_DIRECTE"].heures == D("190")
    assert modalites["FORMATION"].heures == D("90") and modalites["FORMATION"].heures_declarees == D("120")
    assert modalites["SOUS_TRAITANCE_SIAE"].heures == D("100")
    familles = {r.famille: r.heures for r in data.heures_par_famille}
    assert familles == {"Travaux de bâtiment": D("380")}
    entreprises = {r.entreprise: r for r in data.heures_par_entreprise}
    assert entreprises["BTP Landais"].heures == D("270") and entreprises["BTP Landais"].locale
    assert entreprises["Girondine SA"].heures == D("40") and not entreprises["Girondine SA"].locale
    assert entreprises["Insertion Sud"].heures == D("100")
    # RSA (2 people, 270 h), QPV (1, 150 h), DELD (1, 40 h): every public under 3 people is grouped.
    publics = data.heures_par_public
    assert [(r.public, r.participants, r.heures) for r in publics] == [(None, 4, D("460"))]
    assert publics[0].libelle.startswith("Autres publics")
    communes = {r.commune: r for r in data.heures_par_commune}
    assert communes["Dax"].participants == 3 and communes["Dax"].heures == D("310")
    assert "Mont-de-Marsan" not in communes  # fewer than 3 people: grouped
    liste = data.marches_clause_liste
    assert [r.marche_id for r in liste] == [jeu.m1.pk]
    assert liste[0].heures_requises == D("300") and liste[0].heures_realisees == D("280")
    sorties = data.sorties
    assert sorties.total == 2  # P5 worked only for the partner
    # One "emploi durable" (followed at 6 months) and one "autre": categories of 1 person are grouped.
    par_categorie = {r.categorie: (r.nombre, r.a_6_mois) for r in sorties.par_categorie}
    assert par_categorie == {"EMPLOI_TRANSITION": (0, 0), "SORTIE_POSITIVE": (0, 0), None: (2, 1)}
    assert sorties.emploi_durable_part == D("0.5")
    assert sorties.suivis_6_mois == 1
    tendance = {r.annee: r for r in data.tendance}
    assert tendance[2024].heures_realisees == D("350") and tendance[2025].heures_realisees == D("380")
    assert tendance[2024].marches_notifies == 1 and tendance[2025].marches_notifies == 5


def test_scopes_direction_family_convention(jeu):
    par_direction = indicateurs_annuels(acheteur=jeu.instance, annee=2025, direction=jeu.direction)
    assert par_direction.marches_notifies.nombre == 1
    assert par_direction.heures_realisees == D("280")
    par_famille = indicateurs_annuels(acheteur=jeu.instance, annee=2025, famille=jeu.f2)
    assert par_famille.marches_notifies == Bloc(1, D("50000"))
    assert par_famille.heures_realisees == D("0")
    par_convention = indicateurs_annuels(annee=2025, convention=jeu.convention)
    assert par_convention.acheteur_siret == jeu.partenaire.siret
    assert par_convention.heures_realisees == D("300")
    assert par_convention.heures_requises == D("1000")
    assert par_convention.participants == 1
    assert par_convention.sorties.total == 1


def test_empty_year_has_no_division_by_zero(jeu):
    data = indicateurs_annuels(acheteur=jeu.instance, annee=2019)
    assert data.marches_notifies.nombre == 0
    assert data.entreprises_locales_part is None
    assert data.objectifs_nationaux.sociale.part is None
    assert data.cumul.depuis == 2019 and data.cumul.heures_realisees == 0


def test_json_keys_and_numbers(jeu):
    data = to_jsonable(indicateurs_annuels(acheteur=jeu.instance, annee=2025))
    for key in ("acheteur_siret", "acheteur_departement", "annee", "marches_notifies",
                "marches_consideration_sociale", "marches_consideration_environnementale",
                "marches_clause_insertion", "heures_requises", "heures_realisees", "participants", "entreprises",
                "entreprises_locales_part", "cumul"):
        assert key in data
    assert set(data["cumul"]) >= {"depuis", "heures_realisees", "participants", "entreprises",
                                  "entreprises_locales_part"}
    assert data["heures_realisees"] == 380 and isinstance(data["heures_realisees"], int)
    assert data["entreprises_locales_part"] == pytest.approx(0.6667)


def test_constant_number_of_queries(jeu, django_assert_max_num_queries):
    from tests.facilitateurs.factories import HeuresMensuellesFactory
    from tests.marches.factories import MarcheFactory

    with django_assert_max_num_queries(30) as ctx:
        indicateurs_annuels(acheteur=jeu.instance, annee=2025)
    before = len(ctx.captured_queries)
    for _ in range(20):
        marche = MarcheFactory(acheteur=jeu.instance)
        HeuresMensuellesFactory(marche=marche)
    with django_assert_max_num_queries(before):
        indicateurs_annuels(acheteur=jeu.instance, annee=2025)


def test_buyer_without_departement_has_no_local_company(db):
    from tests.core.factories import OrganisationFactory
    from tests.facilitateurs.factories import HeuresMensuellesFactory
    from tests.marches.factories import EntrepriseFactory, MarcheFactory

    acheteur = OrganisationFactory(code_postal="")
    HeuresMensuellesFactory(marche=MarcheFactory(acheteur=acheteur), entreprise=EntrepriseFactory(code_postal=""))
    data = indicateurs_annuels(acheteur=acheteur, annee=2025)
    assert data.entreprises == 1 and data.entreprises_locales_part == 0
