"""The counting rules of the bilan engine (bilans.selectors), each edge on its own (written against the survivors
of `make mutation MODULES="bilans/selectors.py"`): purchases from inclusive structures per category and per
contract, the small-numbers rule (secret_statistique) at its threshold, hours by commune, companies and local
companies, shares rounded half up to 4 places, and an objective reached at its target."""

import datetime
from decimal import Decimal as D

import pytest

from bilans.resultats import Bloc
from bilans.selectors import SEUIL_SECRET_COMMUNE, atteint, indicateurs_annuels, secret_statistique
from clauses.enums import TypeClause
from facilitateurs.enums import Modalite
from marches.enums import RoleEntreprise, TypeStructure
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory


def d(y, m, day=1):
    return datetime.date(y, m, day)


JUIN, MARS = datetime.date(2025, 6, 1), datetime.date(2025, 3, 1)


# --------------------------------------------------------------------------- purchases from inclusive structures


@pytest.fixture
def achats(db):
    """Contracts of the instance (2025 unless said) and the inclusive structures on them:
    - EA awardee without amount, 10 000 € contract notified 1 January → EA/ESAT and ESS, the contract's amount;
    - ESUS co-contractor for 2 000 € on a 5 000 € contract notified 31 December → ESS only, its own amount;
    - GEIQ awardee without amount, 8 000 € contract → ESS only (a GEIQ is no SIAE);
    - EI awardee 15 000 € + ACI co-contractor 5 000 € on a 40 000 € contract → one contract, 20 000 €;
    - ETTI awardee without amount + AI sub-contractor 3 000 € on a 60 000 € contract → the contract's 60 000 €;
    - EI awardee on a contract without amount → one contract, 0 €;
    - an ordinary company's contract, and SIAE awardees on contracts of 2024 and 2026: not counted in 2025."""
    instance = OrganisationFactory(instance=True)

    def marche(montant, notification=JUIN):
        return MarcheFactory(acheteur=instance, montant_ht=montant, montant_initial_ht=montant,
                             date_notification=notification)

    def structure(type_structure):
        return EntrepriseFactory(type_structure=type_structure)

    AttributionFactory(marche=marche(D("10000"), d(2025, 1, 1)), entreprise=structure(TypeStructure.EA))
    AttributionFactory(marche=marche(D("5000"), d(2025, 12, 31)), entreprise=structure(TypeStructure.ESUS),
                       role=RoleEntreprise.COTRAITANT, montant_ht=D("2000"))
    AttributionFactory(marche=marche(D("8000")), entreprise=structure(TypeStructure.GEIQ))
    deux = marche(D("40000"))
    AttributionFactory(marche=deux, entreprise=structure(TypeStructure.EI), montant_ht=D("15000"))
    AttributionFactory(marche=deux, entreprise=structure(TypeStructure.ACI), role=RoleEntreprise.COTRAITANT,
                       montant_ht=D("5000"))
    mixte = marche(D("60000"))
    AttributionFactory(marche=mixte, entreprise=structure(TypeStructure.ETTI))
    AttributionFactory(marche=mixte, entreprise=structure(TypeStructure.AI), role=RoleEntreprise.SOUS_TRAITANT,
                       montant_ht=D("3000"))
    AttributionFactory(marche=marche(None), entreprise=structure(TypeStructure.EI))
    AttributionFactory(marche=marche(D("70000")), entreprise=structure(TypeStructure.AUTRE))
    AttributionFactory(marche=marche(D("1000"), d(2024, 12, 31)), entreprise=structure(TypeStructure.EI))
    AttributionFactory(marche=marche(D("2000"), d(2026, 1, 1)), entreprise=structure(TypeStructure.ESAT))
    return instance


def test_purchases_by_category_and_contract(achats):
    data = indicateurs_annuels(acheteur=achats, annee=2025, details=False)
    assert data.achats_siae == Bloc(3, D("80000.00"))  # 20 000 + 60 000 + 0
    assert data.achats_ea_esat == Bloc(1, D("10000.00"))
    assert data.achats_ess == Bloc(6, D("100000.00"))  # + 10 000 (EA) + 2 000 (ESUS) + 8 000 (GEIQ)


def test_purchases_of_another_year(achats):
    assert indicateurs_annuels(acheteur=achats, annee=2024, details=False).achats_siae == Bloc(1, D("1000.00"))
    data = indicateurs_annuels(acheteur=achats, annee=2026, details=False)
    assert data.achats_ea_esat == Bloc(1, D("2000.00"))
    assert data.achats_siae == Bloc(0, D("0.00"))


# --------------------------------------------------------------------------- the small-numbers rule


def test_secret_statistique_threshold_and_grouped_row():
    assert SEUIL_SECRET_COMMUNE == 3
    lignes = [{"commune": "Dax", "participants": 3, "heures": D("30"), "code": "40088"},
              {"commune": "Pau", "participants": 2, "heures": D("20.004"), "code": "64445"},
              {"commune": "Tarnos", "participants": 1, "heures": None, "code": "40312"},
              {"commune": None, "participants": 5, "heures": D("1.001"), "code": None}]
    assert secret_statistique(lignes, cle="commune", libelle_autres="Autres") == [
        {"commune": "Dax", "participants": 3, "heures": D("30"), "code": "40088"},
        # the grouped row names no commune and no code; its hours are rounded to the cent
        {"commune": "Autres", "participants": 8, "heures": D("21.01"), "code": None},
    ]
    # nothing to group: the rows as they are, no "others" row
    assert secret_statistique(lignes[:1], cle="commune", libelle_autres="Autres") == lignes[:1]
    assert secret_statistique([], cle="commune", libelle_autres="Autres") == []


def test_secret_statistique_given_threshold_counts_and_sums():
    lignes = [{"libelle": "A", "nombre": 4, "a_6_mois": 1, "heures": 9},
              {"libelle": "B", "nombre": 5, "a_6_mois": 2, "heures": 7},
              {"libelle": "C", "nombre": 0, "a_6_mois": 0, "heures": 0}]
    result = secret_statistique(lignes, cle="libelle", libelle_autres="Autres", effectif="nombre",
                                sommes=("a_6_mois", "heures"), seuil=5)
    assert result == [
        {"libelle": "B", "nombre": 5, "a_6_mois": 2, "heures": 7},
        {"libelle": "C", "nombre": 0, "a_6_mois": 0, "heures": 0},
        {"libelle": "Autres", "nombre": 4, "a_6_mois": 1, "heures": 9},
    ]
    assert [type(result[-1][k]) for k in ("a_6_mois", "heures")] == [int, int]  # integer sums stay integers


def test_secret_statistique_a_single_small_row():
    assert secret_statistique([{"commune": "Pau", "participants": 1, "heures": D("4")}], cle="commune",
                              libelle_autres="Autres") == [{"commune": "Autres", "participants": 1, "heures": D("4.00")}]


# --------------------------------------------------------------------------- objectives and shares


def test_atteint_at_below_and_without_figures():
    assert atteint(D("0.3"), D("0.3")) is True
    assert atteint(D("0.3001"), D("0.3")) is True
    assert atteint(D("0.2999"), D("0.3")) is False
    assert atteint(None, D("0.3")) is False
    assert atteint(D("0.5"), None) is False
    assert atteint(D("0"), D("0")) is True


def test_shares_are_rounded_half_up_to_four_places(db):
    """1 000 € of 32 000 € is 0.03125: 0.0313 (half up), not 0.0312."""
    instance = OrganisationFactory(instance=True)
    MarcheFactory(acheteur=instance, montant_ht=D("1000"), clause_sociale=True)
    MarcheFactory(acheteur=instance, montant_ht=D("31000"))
    data = indicateurs_annuels(acheteur=instance, annee=2025, details=False)
    sociale = data.objectifs_nationaux.sociale
    assert (sociale.part, sociale.part_montant, sociale.atteint) == (D("0.5000"), D("0.0313"), True)
    # the objective of the year (no adopted scheme: the national target) carries the same shares
    objectif = data.objectifs.sociale
    assert (objectif.part, objectif.part_montant, objectif.atteint) == (D("0.5000"), D("0.0313"), True)
    assert (objectif.cible, objectif.cible_nationale, objectif.cible_source) == (D("0.3"), D("0.3"), "pnad")
    vide = indicateurs_annuels(acheteur=instance, annee=2023, details=False).objectifs_nationaux.sociale
    assert (vide.part, vide.part_montant, vide.atteint) == (None, None, False)


# --------------------------------------------------------------------------- hours, people, companies, communes


@pytest.fixture
def heures(db, settings):
    """The instance (département 40), one 2025 contract at 30 €/h. Dax: 4 people (10, 20, 30, 40 h; one of them
    twice); Aire: 3 people (5 h each); Pau: 2 people (1 h each, one a 0 h row too: nobody); 2 people without
    commune (50 h); an SIAE sub-contracting 900 € (30 h, nobody). Companies: two local ones (40100, 40000), one
    from Gironde."""
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": 0.3}
    instance = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=instance, montant_ht=D("100000"))
    local, local2 = EntrepriseFactory(code_postal="40100"), EntrepriseFactory(code_postal="40000")
    gironde = EntrepriseFactory(code_postal="33000")

    def h(commune, heures, entreprise=local, participant=None, mois=MARS, **kwargs):
        participant = participant or ParticipantFactory(commune=commune)
        HeuresMensuellesFactory(marche=marche, participant=participant, entreprise=entreprise, mois=mois,
                                heures=D(heures), **kwargs)
        return participant

    dax = h("Dax", "10")
    h("Dax", "5", participant=dax, entreprise=local2, mois=d(2025, 4))  # Dax: 15 + 20 + 30 + 40 = 105 h
    for n in ("20", "30", "40"):
        h("Dax", n, entreprise=gironde)
    for _ in range(3):
        h("Aire", "5")
    pau = h("Pau", "1")
    h("Pau", "0", participant=pau, mois=d(2025, 5))
    h("Pau", "1")
    h("", "25")
    h("", "25")
    HeuresMensuellesFactory(marche=marche, participant=None, entreprise=local2, mois=d(2025, 6), heures=D("0"),
                            montant_ht=D("900"), modalite=Modalite.SOUS_TRAITANCE_SIAE)
    return instance


AUTRES = f"Autres communes ou non renseignée (moins de {SEUIL_SECRET_COMMUNE} personnes par commune)"


def test_hours_by_commune_largest_first_small_and_unnamed_grouped(heures):
    data = indicateurs_annuels(acheteur=heures, annee=2025)
    assert [(r.commune, r.participants, r.heures) for r in data.heures_par_commune] == [
        ("Dax", 4, D("105.00")), ("Aire", 3, D("15.00")), (AUTRES, 4, D("52.00"))]


def test_hours_people_and_local_companies_of_the_year(heures):
    data = indicateurs_annuels(acheteur=heures, annee=2025)
    assert data.heures_realisees == D("202.00")  # 105 + 15 + 2 + 50 + 30 (900 € at 30 €/h)
    assert data.participants == 11
    assert (data.entreprises, data.entreprises_locales, data.entreprises_locales_part) == (3, 2, D("0.6667"))
    assert (data.cumul.entreprises, data.cumul.entreprises_locales, data.cumul.participants) == (3, 2, 11)
    assert data.cumul.depuis == 2025


def test_training_is_capped_per_contract_on_its_insertion_clauses(db, settings):
    """30 % of each contract's required insertion hours, on the contract's training summed over the year:
    A (100 h required; a 1 000 h criterion is no insertion clause) 30 + 20 h → 30; B (insertion clause of 0 h)
    40 h → uncapped; C (no clause) 20 h → uncapped; D (1 h required) 5 h → 0.3."""
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": 0.3}
    instance = OrganisationFactory(instance=True)
    a, b, c, dd = (MarcheFactory(acheteur=instance) for _ in range(4))
    ClauseMarcheFactory(marche=a, heures_requises=D("100"), heures_forcees=D("100"))
    ClauseMarcheFactory(marche=a, type_clause=TypeClause.CRITERE_SOCIAL, heures_requises=D("1000"))
    ClauseMarcheFactory(marche=b, heures_requises=D("0"), heures_forcees=D("0"))
    ClauseMarcheFactory(marche=dd, heures_requises=D("1"), heures_forcees=D("1"))
    for marche, mois, heures in ((a, MARS, "30"), (a, JUIN, "20"), (b, MARS, "40"), (c, MARS, "20"), (dd, MARS, "5")):
        HeuresMensuellesFactory(marche=marche, mois=mois, heures=D(heures), modalite=Modalite.FORMATION)
    data = indicateurs_annuels(acheteur=instance, annee=2025, details=False)
    assert (data.heures_formation_declarees, data.heures_formation_comptees) == (D("115.00"), D("90.30"))
    assert data.heures_realisees == D("90.30")
    settings.SPASER = {**settings.SPASER, "FORMATION_PART_MAX": 0.5}
    assert indicateurs_annuels(acheteur=instance, annee=2025, details=False).heures_formation_comptees == D("110.50")
