"""The common indicators computed on hand-built participants (fse.indicateurs.calculer), the report read from
the database, and the masking of small counts."""

import datetime

import pytest

from facilitateurs.models import Sortie
from fse import indicateurs, selectors
from fse.indicateurs import CODES, DEFINITIONS, Ligne, calculer, masquer, rapport
from tests.facilitateurs.factories import ConventionFactory, ParticipantFactory
from tests.fse.factories import OperationFSEFactory, ParticipationFSEFactory

D = datetime.date


def ligne(n, **kw):
    valeurs = {"participant": n, "sexe": "F", "annee_naissance": 1990, "date_entree": D(2025, 3, 1)}
    valeurs.update(kw)
    return Ligne(**valeurs)


def test_definitions_cover_the_annex_in_order_with_a_source_and_a_population():
    assert CODES == [f"EECO{i:02d}" for i in range(1, 18)] + [f"EECR{i:02d}" for i in range(1, 7)]
    for d in DEFINITIONS:
        assert d.libelle and d.population and "2021/1057" in d.source and "annexe I" in d.source
    assert indicateurs.PAR_CODE["EECO02"].libelle == "chômeurs, y compris les chômeurs de longue durée"
    assert "point 1.2" in indicateurs.PAR_CODE["EECO12"].source
    assert "point 3" in indicateurs.PAR_CODE["EECR05"].source
    assert "année de naissance" in indicateurs.PAR_CODE["EECO07"].population


def test_each_output_indicator_counts_its_participants():
    lignes = [
        ligne(1, situation_entree="chomeur", niveau_education="cite_0_2", annee_naissance=2008),  # 17
        ligne(2, situation_entree="chomeur_ld", niveau_education="cite_3_4", annee_naissance=2007, sexe="M"),  # 18
        ligne(3, situation_entree="inactif", niveau_education="cite_5_8", annee_naissance=1996, sexe="X"),  # 29
        ligne(4, situation_entree="employe", niveau_education="cite_3_4", annee_naissance=1995),  # 30
        ligne(5, situation_entree="chomeur_ld", annee_naissance=1971, handicap="oui", pays_tiers="oui"),  # 54
        ligne(6, situation_entree="", annee_naissance=1970, origine_etrangere="oui", minorite="oui",  # 55
              sans_abri="oui", zone_rurale="oui"),
        ligne(7, annee_naissance=None, handicap="nspr", pays_tiers="nspr", zone_rurale="non"),
    ]
    r = calculer(lignes, 2025)
    i = r.indicateurs
    assert r.participants == 7
    assert i["EECO02"] == 3 and i["EECO03"] == 2 and i["EECO04"] == 1 and i["EECO05"] == 1
    assert i["EECO01"] == 5  # computed from the employment-status indicators: 6 and 7 have no status
    assert (i["EECO06"], i["EECO07"], i["EECO08"]) == (1, 2, 1)  # ages 17 | 18, 29 | 55 (not 30, not 54)
    assert (i["EECO09"], i["EECO10"], i["EECO11"]) == (1, 2, 1)
    assert i["EECO12"] == 1 and i["EECO13"] == 1  # "ne souhaite pas répondre" is not a yes
    assert i["EECO14"] == i["EECO15"] == i["EECO16"] == i["EECO17"] == 1
    assert r.par_sexe["EECO02"] == {"F": 2, "M": 1, "X": 0}
    assert r.par_sexe["EECO04"] == {"F": 0, "M": 0, "X": 1}
    assert all(sum(r.par_sexe[c].values()) == i[c] for c in CODES)


def test_a_participant_counts_in_several_indicators():
    r = calculer([ligne(1, situation_entree="chomeur_ld", annee_naissance=2000,
                        sortie_date=D(2025, 9, 30), sortie_categorie="EMPLOI_DURABLE", sortie_qualification=True,
                        sortie_formation=False, sortie_recherche_emploi=False)], 2025)
    counted = {c for c, v in r.indicateurs.items() if v}
    assert counted == {"EECO01", "EECO02", "EECO03", "EECO07", "EECR03", "EECR04"}


def test_result_indicators_and_their_populations_by_year():
    lignes = [
        # entered 2024, left 2025-01-01: results at exit in 2025; + 6 months = 2025-07-01: 6-month results in 2025
        ligne(1, date_entree=D(2024, 5, 1), sortie_date=D(2025, 1, 1), sortie_categorie="EMPLOI_TRANSITION",
              sortie_recherche_emploi=True, sortie_formation=True, categorie_6_mois="EMPLOI_DURABLE",
              situation_amelioree_6_mois=True),
        # left 2024-12-31: exit results in 2024; + 6 months = 2025-06-30: 6-month results in 2025
        ligne(2, date_entree=D(2024, 5, 1), sortie_date=D(2024, 12, 31), sortie_categorie="EMPLOI_DURABLE",
              sortie_recherche_emploi=True, categorie_6_mois="EMPLOI_TRANSITION", situation_amelioree_6_mois=False),
        # left 2025-07-01: + 6 months = 2026-01-01, not in 2025's long-term results
        ligne(3, date_entree=D(2025, 2, 1), sortie_date=D(2025, 7, 1), sortie_categorie="SORTIE_POSITIVE",
              sortie_qualification=True, categorie_6_mois="EMPLOI_DURABLE", situation_amelioree_6_mois=True),
        # left 2025-06-30: + 6 months = 2025-12-30, in 2025; AUTRE is not employment
        ligne(4, date_entree=D(2025, 2, 1), sortie_date=D(2025, 6, 30), sortie_categorie="AUTRE",
              categorie_6_mois="AUTRE", situation_amelioree_6_mois=None),
    ]
    i = calculer(lignes, 2025).indicateurs
    assert i["EECR01"] == 1  # 1 (2 left in 2024)
    assert i["EECR02"] == 1 and i["EECR03"] == 1
    assert i["EECR04"] == 1  # 1 (employment); 3 is a positive exit, 4 other; 2 left in 2024
    assert i["EECR05"] == 2  # 1 and 2; 3 falls in 2026; 4 not employed
    assert i["EECR06"] == 1  # 1 only (2 answered no, 4 not answered)
    assert calculer(lignes, 2025).participants == 2  # entries of 2025 only (3 and 4)
    i2024 = calculer(lignes, 2024).indicateurs
    assert (i2024["EECR01"], i2024["EECR04"], i2024["EECR05"]) == (1, 1, 0)
    assert calculer(lignes, 2026).indicateurs["EECR05"] == 1  # 3


def test_a_participant_in_two_operations_counts_once():
    premiere = ligne(1, date_entree=D(2025, 2, 1), situation_entree="chomeur_ld", ordre=1,
                     sortie_date=D(2025, 5, 1), sortie_categorie="EMPLOI_DURABLE")
    seconde = ligne(1, date_entree=D(2025, 4, 1), situation_entree="employe", ordre=2,
                    sortie_date=D(2025, 5, 1), sortie_categorie="EMPLOI_DURABLE")
    r = calculer([seconde, premiere], 2025)
    assert r.participants == 1
    assert r.indicateurs["EECO01"] == 1 and r.indicateurs["EECO02"] == 1 and r.indicateurs["EECO05"] == 0
    assert r.indicateurs["EECR04"] == 1


@pytest.mark.parametrize(("naissance", "attendus"), [
    (2008, {"EECO06"}), (2007, {"EECO07"}), (1996, {"EECO07"}), (1995, set()), (1971, set()), (1970, {"EECO08"}),
])
def test_age_boundaries_at_entry(naissance, attendus):
    r = calculer([ligne(1, annee_naissance=naissance)], 2025)  # ages 17, 18, 29, 30, 54, 55
    assert {c for c in ("EECO06", "EECO07", "EECO08") if r.indicateurs[c]} == attendus


def test_masking_hides_one_and_two_but_not_zero_or_three():
    r = indicateurs.Rapport(annee=2025, operation=None, participants=2,
                            indicateurs={"EECO06": 0, "EECO07": 1, "EECO08": 2, "EECO09": 3},
                            par_sexe={"EECO09": {"F": 3, "M": 0, "X": 0}}, donnees_incompletes=5)
    m = masquer(r)
    assert m.participants is None
    assert m.indicateurs == {"EECO06": 0, "EECO07": None, "EECO08": None, "EECO09": 3}
    assert m.par_sexe == {"EECO09": {"F": 3, "M": 0, "X": 0}}
    assert m.donnees_incompletes == 5
    assert r.indicateurs["EECO07"] == 1  # the original is left as it was


def _rapport(indicateurs_, par_sexe):
    return indicateurs.Rapport(annee=2025, operation=None, participants=20, indicateurs=indicateurs_,
                               par_sexe=par_sexe, donnees_incompletes=0)


def test_a_small_count_does_not_come_back_by_subtraction_from_its_total():
    """EECO08 = 8 with women 1, men 7: hiding women alone gives them back (8 − 7 − 0); men are hidden too. Two
    hidden parts adding up to 2 (1 + 1) would still be both 1: a third is hidden."""
    m = masquer(_rapport({"EECO08": 8, "EECO09": 10}, {"EECO08": {"F": 1, "M": 7, "X": 0},
                                                         "EECO09": {"F": 1, "M": 8, "X": 1}}))
    assert m.indicateurs == {"EECO08": 8, "EECO09": 10}
    assert m.par_sexe["EECO08"] == {"F": None, "M": None, "X": 0}
    assert m.par_sexe["EECO09"] == {"F": None, "M": None, "X": None}


def test_the_employment_statuses_add_up_to_the_total_without_giving_a_hidden_one_back():
    """EECO01 = EECO02 + EECO04 + EECO05 (the Annex's sum): EECO04 = 1 hidden alone would be 12 − 8 − 3. The
    smallest other status is hidden with it, and its own breakdown by sex with it (else it would add back up)."""
    par_sexe = {"EECO01": {"F": 6, "M": 6, "X": 0}, "EECO02": {"F": 4, "M": 4, "X": 0},
                "EECO04": {"F": 1, "M": 0, "X": 0}, "EECO05": {"F": 1, "M": 2, "X": 0}}
    m = masquer(_rapport({"EECO01": 12, "EECO02": 8, "EECO04": 1, "EECO05": 3}, par_sexe))
    assert m.indicateurs == {"EECO01": 12, "EECO02": 8, "EECO04": None, "EECO05": None}
    assert m.par_sexe["EECO04"]["F"] is None and m.par_sexe["EECO05"]["F"] is None
    assert m.par_sexe["EECO05"]["M"] is None  # EECO05 hidden: its parts may not add back up to it
    _rien_par_soustraction(m, par_sexe, {"EECO01": 12, "EECO02": 8, "EECO04": 1, "EECO05": 3})


def _rien_par_soustraction(m, par_sexe, vrais):
    """For every shown total, its hidden parts add up to 0 or to 3 and more; a hidden total hides a part."""
    groupes = [(m.indicateurs["EECO01"], [(m.indicateurs[c], vrais[c]) for c in ("EECO02", "EECO04", "EECO05")])]
    groupes += [(m.indicateurs[c], [(m.par_sexe[c][s], vrai) for s, vrai in d.items()]) for c, d in par_sexe.items()]
    for total, parts in groupes:
        cachees = [vrai for montre, vrai in parts if montre is None]
        assert (not cachees or sum(cachees) >= 3) if total is not None else any(cachees)


@pytest.mark.django_db
def test_rapport_reads_the_scope_and_the_exit_from_the_participant_sortie():
    operation = OperationFSEFactory()
    autre = OperationFSEFactory()
    personne = ParticipantFactory(annee_naissance=2000, sexe="M")
    ParticipationFSEFactory(operation=operation, participant=personne, date_entree=D(2025, 2, 1))
    ParticipationFSEFactory(operation=autre, participant=personne, date_entree=D(2025, 3, 1))
    ParticipationFSEFactory(operation=operation, date_entree=D(2025, 4, 1), handicap="")  # incomplete entry
    Sortie.objects.create(participant=personne, date_sortie=D(2024, 12, 1), categorie="AUTRE")  # before entry
    Sortie.objects.create(participant=personne, date_sortie=D(2025, 6, 1), categorie="EMPLOI_DURABLE")
    tous = rapport(annee=2025, aujourd_hui=D(2025, 12, 1))
    assert tous.participants == 2  # the person in two operations counts once
    assert tous.indicateurs["EECR04"] == 1 and tous.par_sexe["EECR04"]["M"] == 1
    # exit answers missing for both of the person's participations, one entry incomplete: 3
    assert tous.donnees_incompletes == 3
    un = rapport(annee=2025, operation=operation, aujourd_hui=D(2025, 12, 1))
    assert un.participants == 2 and un.operation == operation
    assert rapport(annee=2025, operation=autre, aujourd_hui=D(2025, 12, 1)).participants == 1
    assert rapport(annee=2023, aujourd_hui=D(2025, 12, 1)).participants == 0


@pytest.mark.django_db
def test_rapport_of_a_partner_counts_its_conventions_participants_only():
    convention, autre = ConventionFactory(), ConventionFactory()
    operation = OperationFSEFactory()
    operation.conventions.set([convention, autre])
    for _ in range(3):
        ParticipationFSEFactory(operation=operation, convention=convention, date_entree=D(2025, 2, 1))
    ParticipationFSEFactory(operation=operation, convention=autre, date_entree=D(2025, 2, 1))
    ParticipationFSEFactory(operation=operation, convention=None, date_entree=D(2025, 2, 1))
    r = rapport(annee=2025, partenaire=convention.partenaire, aujourd_hui=D(2025, 12, 1))
    assert r.participants == 3 and r.indicateurs["EECO03"] == 3 and r.partenaire == convention.partenaire
    m = masquer(rapport(annee=2025, partenaire=autre.partenaire, aujourd_hui=D(2025, 12, 1)))
    assert m.participants is None and m.indicateurs["EECO03"] is None and m.indicateurs["EECR01"] == 0


def test_a_total_hidden_to_protect_another_cell_hides_one_of_its_parts():
    """EECO04 = 1 hidden: EECO05 = 3 is hidden with it (EECO01 = 20 − 16 would give 4 back); EECO05's breakdown
    (3 women) would then add back up to it, so its women are hidden too."""
    m = masquer(_rapport({"EECO01": 20, "EECO02": 16, "EECO04": 1, "EECO05": 3},
                         {"EECO05": {"F": 3, "M": 0, "X": 0}}))
    assert m.indicateurs == {"EECO01": 20, "EECO02": 16, "EECO04": None, "EECO05": None}
    assert m.par_sexe["EECO05"] == {"F": None, "M": 0, "X": 0}


def test_masking_repeats_until_no_cell_comes_back():
    """A first pass hides EECO01's non-specified (X = 5, beside its 1 woman) after the partition 'EECO01 X =
    EECO02 X + EECO04 X + EECO05 X' was read: a second pass hides EECO04 X (5), else it gives EECO01 X back."""
    par_sexe = {"EECO01": {"F": 1, "M": 10, "X": 5}, "EECO02": {"F": 0, "M": 7, "X": 0},
                "EECO04": {"F": 1, "M": 3, "X": 5}, "EECO05": {"F": 0, "M": 0, "X": 0}}
    m = masquer(_rapport({"EECO01": 16, "EECO02": 7, "EECO04": 9, "EECO05": 0}, par_sexe))
    assert m.indicateurs == {"EECO01": 16, "EECO02": 7, "EECO04": 9, "EECO05": 0}
    assert m.par_sexe == {"EECO01": {"F": None, "M": 10, "X": None}, "EECO02": {"F": 0, "M": 7, "X": 0},
                          "EECO04": {"F": None, "M": None, "X": None}, "EECO05": {"F": 0, "M": 0, "X": 0}}


@pytest.mark.parametrize(("incompletes", "montre"), [(0, 0), (1, None), (2, None), (3, 3)])
def test_the_number_of_incomplete_records_is_masked_under_three(incompletes, montre):
    r = indicateurs.Rapport(annee=2025, operation=None, participants=10, indicateurs={}, par_sexe={},
                            donnees_incompletes=incompletes)
    assert masquer(r).donnees_incompletes == montre and masquer(r).participants == 10


def test_two_entries_of_a_person_on_the_same_day_count_the_first_recorded():
    premiere = ligne(1, situation_entree="chomeur_ld", ordre=1)
    seconde = ligne(1, situation_entree="employe", ordre=2)
    i = calculer([seconde, premiere], 2025).indicateurs
    assert (i["EECO03"], i["EECO05"]) == (1, 0)


def test_the_breakdown_by_sex_of_results_and_of_an_unknown_sex():
    """A person counted only in a result (entered the year before) is broken down by their sex too; a sex outside
    F, M, X counts as X (not specified)."""
    r = calculer([ligne(1, sexe="M", date_entree=D(2024, 6, 1), sortie_date=D(2025, 2, 1),
                        sortie_categorie="EMPLOI_DURABLE"),
                  ligne(2, sexe="", situation_entree="inactif")], 2025)
    assert r.par_sexe["EECR04"] == {"F": 0, "M": 1, "X": 0}
    assert r.par_sexe["EECO04"] == {"F": 0, "M": 0, "X": 1}


def test_result_indicators_need_an_exit_and_fall_in_the_year_of_exit_plus_six_months():
    r = calculer([ligne(1, sortie_recherche_emploi=True, sortie_formation=True, sortie_qualification=True,
                        categorie_6_mois="EMPLOI_DURABLE", situation_amelioree_6_mois=True),  # answers, no exit
                  ligne(2, date_entree=D(2025, 1, 6), sortie_date=D(2025, 6, 1), categorie_6_mois="EMPLOI_DURABLE",
                        situation_amelioree_6_mois=True)], 2025)  # + 6 months = 01/12/2025 (+ 7 would be 2026)
    assert [r.indicateurs[c] for c in ("EECR01", "EECR02", "EECR03", "EECR05", "EECR06")] == [0, 0, 0, 1, 1]


@pytest.mark.django_db
def test_ligne_de_carries_every_field_of_the_participation_and_its_exit():
    personne = ParticipantFactory(annee_naissance=1980, sexe="M")
    p = ParticipationFSEFactory(
        participant=personne, date_entree=D(2025, 2, 1), situation_entree="inactif", niveau_education="cite_5_8",
        handicap="oui", pays_tiers="nspr", origine_etrangere="oui", minorite="nspr", sans_abri="oui",
        zone_rurale="nspr", sortie_recherche_emploi=True, sortie_formation=False, sortie_qualification=True,
        situation_amelioree_6_mois=False)
    Sortie.objects.create(participant=personne, date_sortie=D(2025, 5, 2), categorie="EMPLOI_TRANSITION",
                          categorie_6_mois="SORTIE_POSITIVE")
    assert indicateurs.ligne_de(selectors.participations().get()) == Ligne(
        participant=personne.pk, sexe="M", annee_naissance=1980, date_entree=D(2025, 2, 1), situation_entree="inactif",
        niveau_education="cite_5_8", handicap="oui", pays_tiers="nspr", origine_etrangere="oui", minorite="nspr",
        sans_abri="oui", zone_rurale="nspr", sortie_date=D(2025, 5, 2), sortie_categorie="EMPLOI_TRANSITION",
        sortie_recherche_emploi=True, sortie_formation=False, sortie_qualification=True,
        categorie_6_mois="SORTIE_POSITIVE", situation_amelioree_6_mois=False, ordre=p.pk)
    sans_sortie = ParticipationFSEFactory(date_entree=D(2025, 2, 1))
    ligne_ = indicateurs.ligne_de(selectors.participations().get(pk=sans_sortie.pk))
    assert (ligne_.sortie_date, ligne_.sortie_categorie, ligne_.categorie_6_mois) == (None, "", "")


@pytest.mark.django_db
def test_rapport_counts_incomplete_records_of_its_year_only():
    ParticipationFSEFactory(date_entree=D(2024, 4, 1), handicap="")  # incomplete, entered in 2024
    ParticipationFSEFactory(date_entree=D(2025, 4, 1))
    r = rapport(annee=2025, aujourd_hui=D(2025, 12, 1))
    assert (r.annee, r.participants, r.donnees_incompletes) == (2025, 1, 0)
    assert rapport(annee=2024, aujourd_hui=D(2025, 12, 1)).donnees_incompletes == 1
