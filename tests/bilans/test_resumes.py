"""The summaries of the hour rows (facilitateurs.resumes: database triggers) stay equal to the rows after every kind
of write — services, grid, bulk inserts as the imports do, queryset updates and deletes, SQL by hand, a row moved to
another contract, a contract moving to another buyer — checked against a computation written here in plain Python
over the rows; and the engine's distinct people and companies read from them equal those grouped from the rows.
Runs on both databases (PostgreSQL: one trigger per statement; SQLite: per row)."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bilans.selectors import _comptes, perimetre_build
from core.models import Organisation
from facilitateurs import resumes
from facilitateurs import services as fac
from facilitateurs.enums import Modalite
from facilitateurs.models import (
    HeuresMensuelles,
    ResumeEntrepriseAnnee,
    ResumeHeuresMarche,
    ResumeParticipantAnnee,
)
from facilitateurs.selectors import MODALITES_EN_EUROS
from marches import services as mar
from tests.core.factories import OrganisationFactory
from tests.marches.factories import EntrepriseFactory


def _attendus():
    """The summaries as they should be, from the rows (rule of bilans.Perimetre.heures: hours or amount > 0)."""
    sommes = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0)])
    participants, entreprises = defaultdict(int), defaultdict(int)
    for h in HeuresMensuelles.objects.select_related("marche"):
        if not (h.heures > 0 or (h.montant_ht or 0) > 0):
            continue
        ligne = sommes[(h.marche.acheteur_id, h.marche_id, h.mois.year)]
        ligne[0] += 1
        if h.modalite == Modalite.FORMATION:
            ligne[3] += h.heures
        elif h.modalite in MODALITES_EN_EUROS and h.montant_ht is not None:
            ligne[2] += h.montant_ht
        else:
            ligne[1] += h.heures
        if h.participant_id is not None:
            participants[(h.marche.acheteur_id, h.mois.year, h.participant_id)] += 1
        entreprises[(h.marche.acheteur_id, h.mois.year, h.entreprise_id)] += 1
    return ({k: (v[0], *(int(x * 100) for x in v[1:])) for k, v in sommes.items()}, dict(participants),
            dict(entreprises))


def _tenus():
    return ({(r.acheteur_id, r.marche_id, r.annee): (r.lignes, r.heures, r.euros, r.formation)
             for r in ResumeHeuresMarche.objects.all()},
            {(r.acheteur_id, r.annee, r.participant_id): r.lignes for r in ResumeParticipantAnnee.objects.all()},
            {(r.acheteur_id, r.annee, r.entreprise_id): r.lignes for r in ResumeEntrepriseAnnee.objects.all()})


def _comptes_egaux(acheteur):
    perimetre = perimetre_build(acheteur=acheteur)
    debuts = {"annee": datetime.date(2025, 1, 1), "cumul": None, "depuis_2024": datetime.date(2024, 1, 1)}
    args = (perimetre, datetime.date(2025, 12, 31), acheteur.departement)
    lus = _comptes(*args, debuts)
    assert lus == _comptes(*args, debuts, resumes=False)
    return lus


def _service(jeu):
    fac.heures_enregistrer(marche=jeu.m1, entreprise=jeu.e2, participant=jeu.participants[3],
                           mois=datetime.date(2025, 9, 1), modalite=Modalite.EMBAUCHE_DIRECTE, heures=Decimal("35"))


def _service_remplace_et_annule(jeu):  # the same month again: replaced; then 0 h: the row stops counting
    fac.heures_enregistrer(marche=jeu.m1, entreprise=jeu.e1, participant=jeu.participants[0],
                           mois=datetime.date(2025, 3, 1), modalite=Modalite.EMBAUCHE_DIRECTE, heures=Decimal("60"))
    fac.heures_enregistrer(marche=jeu.m1, entreprise=jeu.e2, participant=jeu.participants[1],
                           mois=datetime.date(2025, 3, 1), modalite=Modalite.EMBAUCHE_DIRECTE, heures=Decimal("0"))


def _sous_traitance(jeu):
    fac.heures_enregistrer(marche=jeu.m4, entreprise=jeu.e3, participant=None, mois=datetime.date(2025, 2, 1),
                           modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("0"), montant_ht=Decimal("1000"))


def _grille(jeu):
    fac.heures_grille_enregistrer(marche=jeu.m1, mois=datetime.date(2025, 3, 1), lignes=[{
        "participant": jeu.participants[3], "entreprise": jeu.e1, "modalite": Modalite.EMBAUCHE_DIRECTE,
        "heures": Decimal("20")}])


def _insertion_en_masse(jeu):  # as the imports and the demo do: bulk_create, no signal
    HeuresMensuelles.objects.bulk_create([
        HeuresMensuelles(marche=jeu.m2, participant=p, entreprise=jeu.e1, mois=datetime.date(2024 + i % 2, 6, 1),
                         modalite=Modalite.EMBAUCHE_DIRECTE, type_contrat="CDD", heures=Decimal(10 + i))
        for i, p in enumerate(jeu.participants)])


def _reimport(jeu):  # as the hours import does: INSERT ... ON CONFLICT DO UPDATE, rows updated and rows added
    existantes = list(HeuresMensuelles.objects.filter(marche=jeu.m1, participant__isnull=False))
    for ligne in existantes:
        ligne.heures += 5
    nouvelle = HeuresMensuelles(marche=jeu.m1, participant=jeu.participants[4], entreprise=jeu.e1,
                                mois=datetime.date(2025, 8, 1), modalite=Modalite.EMBAUCHE_DIRECTE, heures=Decimal(9))
    HeuresMensuelles.objects.bulk_create(
        [*existantes, nouvelle], update_conflicts=True,
        unique_fields=["marche", "participant", "entreprise", "mois", "modalite"], update_fields=["heures"])


def _mise_a_jour_en_masse(jeu):
    HeuresMensuelles.objects.filter(marche=jeu.m1).update(heures=Decimal("7.5"))


def _suppression_en_masse(jeu):
    HeuresMensuelles.objects.filter(marche=jeu.m5).delete()


def _sql_a_la_main(jeu):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE facilitateurs_heuresmensuelles SET heures = heures * 2 WHERE marche_id = %s",
                       [jeu.m1.pk])
        cursor.execute("DELETE FROM facilitateurs_heuresmensuelles WHERE participant_id = %s",
                       [jeu.participants[1].pk])


def _ligne_deplacee(jeu):  # a row moved to another contract and another person, then to nobody
    ligne = HeuresMensuelles.objects.filter(marche=jeu.m1, participant=jeu.participants[1]).get()
    ligne.marche, ligne.participant = jeu.m6, jeu.participants[3]
    ligne.save()
    ligne.participant = None
    ligne.save()


def _changement_d_acheteur(jeu):
    jeu.m5.acheteur = jeu.partenaire
    mar.marche_enregistrer(marche=jeu.m5, reason="Transféré au partenaire")


ECRITURES = [_service, _service_remplace_et_annule, _sous_traitance, _grille, _insertion_en_masse, _reimport,
             _mise_a_jour_en_masse, _suppression_en_masse, _sql_a_la_main, _ligne_deplacee, _changement_d_acheteur]


def test_the_summaries_of_the_dataset_equal_its_rows(jeu):
    tenus = _tenus()
    assert tenus == _attendus() and all(tenus)
    # In hundredths. M5 2025: 3 000 € sub-contracted (its 0 h row does not count); M1 2025: 190 h and 120 h of
    # training.
    assert tenus[0][(jeu.instance.pk, jeu.m5.pk, 2025)] == (1, 0, 300000, 0)
    assert tenus[0][(jeu.instance.pk, jeu.m1.pk, 2025)] == (4, 19000, 0, 12000)
    assert resumes.ecarts() == dict.fromkeys(resumes.ecarts(), 0)


@pytest.mark.parametrize("ecrire", ECRITURES, ids=lambda f: f.__name__.strip("_"))
def test_after_each_kind_of_write_the_summaries_equal_the_rows(jeu, ecrire):
    avant = _tenus()
    _comptes_egaux(jeu.instance)
    ecrire(jeu)
    apres = _tenus()
    assert apres != avant  # the write changed what is summed
    assert apres == _attendus()
    assert set(resumes.ecarts().values()) == {0}
    _comptes_egaux(jeu.instance)
    _comptes_egaux(jeu.partenaire)


def test_a_contract_moving_to_another_buyer_takes_its_people_and_companies_along(jeu):
    avant = _comptes_egaux(jeu.instance)
    _changement_d_acheteur(jeu)
    apres = _comptes_egaux(jeu.instance)
    # M5's people: P4 only had M5 rows (2024, 2025 at 0 h), P1 keeps M1 in 2025; its company E3 only had M5.
    assert apres["cumul"]["participants"] == avant["cumul"]["participants"] - 1
    assert apres["annee"]["entreprises"] == avant["annee"]["entreprises"] - 1
    assert ResumeParticipantAnnee.objects.filter(acheteur=jeu.partenaire, annee=2024).count() == 2
    assert set(ResumeHeuresMarche.objects.filter(marche=jeu.m5).values_list("acheteur_id", flat=True)) == {
        jeu.partenaire.pk}


def test_the_command_finds_a_summary_that_differs_and_rebuilds_it(jeu, capsys):
    call_command("resumes_heures")
    assert "heures par marché et par année : conforme" in capsys.readouterr().out
    ResumeHeuresMarche.objects.filter(marche=jeu.m1).update(heures=1)
    ResumeParticipantAnnee.objects.filter(participant=jeu.participants[0]).delete()
    with pytest.raises(CommandError, match="--reconstruire"):
        call_command("resumes_heures")
    out = capsys.readouterr().out
    assert "heures par marché et par année : 2 ligne(s) en écart" in out  # the stored row and the expected one
    assert "participants par acheteur et par année : 2 ligne(s) en écart" in out  # 2024 and 2025
    call_command("resumes_heures", "--reconstruire")
    assert _tenus() == _attendus()
    assert set(resumes.ecarts().values()) == {0}


def test_a_buyer_without_rows_has_no_summary_and_counts_nobody(db):
    acheteur = OrganisationFactory(instance=True)
    assert _comptes_egaux(acheteur)["cumul"] == {"participants": 0, "entreprises": 0, "entreprises_locales": 0}
    assert not Organisation.objects.exclude(pk=acheteur.pk).exists()


def test_a_buyers_whole_scope_counts_people_from_the_summaries_a_direction_from_its_own_rows(jeu):
    debuts = {"annee": datetime.date(2025, 1, 1), "cumul": None}
    args = (datetime.date(2025, 12, 31), jeu.instance.departement, debuts)
    with CaptureQueriesContext(connection) as requetes:
        tout = _comptes(perimetre_build(acheteur=jeu.instance), *args)
    assert requetes.captured_queries
    assert not any("facilitateurs_heuresmensuelles" in q["sql"] for q in requetes.captured_queries)
    assert tout["cumul"] == {"participants": 4, "entreprises": 3, "entreprises_locales": 2}
    # The direction has M1 only (2025: P1, P2, P3; E1 local, E2 not): not the buyer's summaries.
    perimetre = perimetre_build(acheteur=jeu.instance, direction=jeu.direction)
    direction = _comptes(perimetre, *args)
    assert direction == _comptes(perimetre, *args, resumes=False)
    assert direction["cumul"] == direction["annee"] == {"participants": 3, "entreprises": 2, "entreprises_locales": 1}


def test_a_local_company_seen_only_in_an_earlier_year_counts_in_the_cumul_not_in_the_year(jeu):
    locale = EntrepriseFactory(nom="Landes Bois", code_postal="40200")
    HeuresMensuelles.objects.create(marche=jeu.m5, participant=jeu.participants[3], entreprise=locale,
                                    mois=datetime.date(2023, 6, 1), modalite=Modalite.EMBAUCHE_DIRECTE,
                                    heures=Decimal("10"))
    lus = _comptes_egaux(jeu.instance)
    assert (lus["annee"]["entreprises_locales"], lus["depuis_2024"]["entreprises_locales"]) == (2, 2)
    assert (lus["cumul"]["entreprises"], lus["cumul"]["entreprises_locales"]) == (4, 3)
