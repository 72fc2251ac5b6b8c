"""The scope of a year (with the exit derived from the participant's Sortie) and what remains to be filled in."""

import datetime

import pytest

from facilitateurs.models import Sortie
from fse import selectors
from tests.facilitateurs.factories import ConventionFactory
from tests.fse.factories import OperationFSEFactory, ParticipationFSEFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _sortie(participant, date, categorie="EMPLOI_DURABLE", categorie_6_mois=""):
    return Sortie.objects.create(participant=participant, date_sortie=date, categorie=categorie,
                                 categorie_6_mois=categorie_6_mois)


def _complete(**kw):
    valeurs = {"sortie_recherche_emploi": False, "sortie_formation": False, "sortie_qualification": False,
               "situation_amelioree_6_mois": True}
    valeurs.update(kw)
    return ParticipationFSEFactory(**valeurs)


def test_the_exit_is_the_earliest_sortie_on_or_after_entry():
    p = ParticipationFSEFactory(date_entree=D(2024, 3, 1))
    _sortie(p.participant, D(2024, 2, 28), "AUTRE")  # before entry: another path
    _sortie(p.participant, D(2024, 9, 1), "SORTIE_POSITIVE")
    _sortie(p.participant, D(2024, 6, 1), "EMPLOI_TRANSITION", "EMPLOI_DURABLE")
    row = selectors.participations().get(pk=p.pk)
    assert (row.sortie_date, row.sortie_categorie, row.categorie_6_mois) == (
        D(2024, 6, 1), "EMPLOI_TRANSITION", "EMPLOI_DURABLE")
    sans = ParticipationFSEFactory(date_entree=D(2024, 3, 1))
    assert selectors.participations().get(pk=sans.pk).sortie_date is None


def test_scope_by_year_operation_and_partner():
    operation = OperationFSEFactory()
    convention = ConventionFactory()
    entree_2025 = ParticipationFSEFactory(operation=operation, date_entree=D(2025, 1, 1), convention=convention)
    sortie_2025 = ParticipationFSEFactory(date_entree=D(2024, 1, 1))
    _sortie(sortie_2025.participant, D(2025, 12, 31))
    six_mois_2025 = ParticipationFSEFactory(date_entree=D(2023, 1, 1))
    _sortie(six_mois_2025.participant, D(2024, 7, 1))  # + 6 months = 01/01/2025
    hors = ParticipationFSEFactory(date_entree=D(2023, 1, 1))
    _sortie(hors.participant, D(2024, 6, 30))  # + 6 months = 30/12/2024
    assert set(selectors.participations(annee=2025)) == {entree_2025, sortie_2025, six_mois_2025}
    assert list(selectors.participations(annee=2025, operation=operation)) == [entree_2025]
    assert list(selectors.participations(partenaire=convention.partenaire)) == [entree_2025]


def test_nothing_missing_when_complete():
    p = _complete(date_entree=D(2024, 1, 10))
    _sortie(p.participant, D(2024, 3, 1), categorie_6_mois="EMPLOI_DURABLE")
    assert selectors.a_completer(aujourd_hui=D(2025, 6, 1)) == []
    assert not selectors.incomplet(selectors.participations().get(), D(2025, 6, 1))


def test_entry_data_missing_due_four_weeks_after_entry():
    p = _complete(date_entree=D(2025, 5, 1), zone_rurale="")
    nspr = _complete(date_entree=D(2025, 5, 1), minorite="nspr")  # "ne souhaite pas répondre" is an answer
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 5, 20))
    assert manque.participation == p and manque.manques == ["entrée"]
    assert manque.echeance == D(2025, 5, 29) and not manque.en_retard
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 5, 30))
    assert manque.en_retard
    assert not selectors.incomplet(selectors.participations().get(pk=nspr.pk), D(2025, 5, 30))
    assert selectors.incomplet(selectors.participations().get(pk=p.pk), D(2025, 5, 2))


def test_exit_data_missing_once_an_exit_exists():
    p = _complete(date_entree=D(2025, 1, 6), sortie_qualification=None)
    assert selectors.a_completer(aujourd_hui=D(2025, 3, 1)) == []  # no exit yet: nothing is due
    _sortie(p.participant, D(2025, 3, 3))
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 3, 10))
    assert manque.manques == ["sortie"] and manque.echeance == D(2025, 3, 31) and not manque.en_retard
    assert selectors.a_completer(aujourd_hui=D(2025, 4, 1))[0].en_retard


def test_six_month_data_listed_30_days_before_and_overdue_after_four_weeks():
    p = _complete(date_entree=D(2025, 1, 6), situation_amelioree_6_mois=None)
    _sortie(p.participant, D(2025, 2, 15))  # + 6 months = 15/08/2025, due 12/09/2025
    assert selectors.a_completer(aujourd_hui=D(2025, 7, 1)) == []
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 7, 20))  # within 30 days: listed, not yet incomplete
    assert manque.manques == ["6 mois"] and manque.echeance == D(2025, 9, 12) and not manque.en_retard
    row = selectors.participations().get()
    assert not selectors.incomplet(row, D(2025, 7, 20)) and selectors.incomplet(row, D(2025, 8, 15))
    assert selectors.a_completer(aujourd_hui=D(2025, 9, 13))[0].en_retard
    # the Sortie's own 6-month situation is also required
    p.situation_amelioree_6_mois = True
    p.save()
    assert selectors.a_completer(aujourd_hui=D(2025, 9, 13))[0].manques == ["6 mois"]
    Sortie.objects.filter(participant=p.participant).update(categorie_6_mois="AUTRE")
    assert selectors.a_completer(aujourd_hui=D(2025, 9, 13)) == []


def test_a_completer_sorted_by_due_date_with_every_kind_and_by_operation():
    operation = OperationFSEFactory()
    tard = ParticipationFSEFactory(operation=operation, date_entree=D(2025, 4, 1), niveau_education="")
    tot = _complete(date_entree=D(2025, 1, 2), situation_entree="", sortie_formation=None,
                    situation_amelioree_6_mois=None)
    _sortie(tot.participant, D(2025, 1, 31))
    manques = selectors.a_completer(aujourd_hui=D(2025, 9, 1))
    assert [m.participation for m in manques] == [tot, tard]
    assert manques[0].manques == ["entrée", "sortie", "6 mois"] and manques[0].echeance == D(2025, 1, 30)
    assert [m.participation for m in selectors.a_completer(aujourd_hui=D(2025, 9, 1), operation=operation)] == [tard]


def test_sortie_de_reads_the_same_exit_as_the_report():
    p = ParticipationFSEFactory(date_entree=D(2024, 3, 1))
    assert selectors.sortie_de(p) is None
    _sortie(p.participant, D(2024, 2, 29), "AUTRE")  # the day before entry: another path
    assert selectors.sortie_de(p) is None
    premiere = _sortie(p.participant, D(2024, 3, 1), "SORTIE_POSITIVE")  # the entry day counts
    _sortie(p.participant, D(2024, 3, 1), "AUTRE")  # same day, created after: the first one wins
    assert selectors.sortie_de(p) == premiere
    row = selectors.participations().get(pk=p.pk)
    assert (row.sortie_date, row.sortie_categorie) == (premiere.date_sortie, premiere.categorie)


def test_operations_search_and_count_and_the_pages_reads():
    ancienne = OperationFSEFactory(reference="FSE-A", intitule="Insertion des jeunes", date_debut=D(2022, 1, 1))
    recente = OperationFSEFactory(reference="FSE-B", intitule="Mobilité", date_debut=D(2024, 1, 1))
    ParticipationFSEFactory(operation=ancienne)
    ParticipationFSEFactory(operation=ancienne)
    assert [(o, o.nb_participants) for o in selectors.operations()] == [(recente, 0), (ancienne, 2)]
    assert list(selectors.operations(q="jeunes")) == [ancienne]
    assert list(selectors.operations(q="fse-b")) == [recente]
    assert selectors.operation(ancienne.pk) == ancienne and selectors.operation(0) is None
    p = ParticipationFSEFactory()
    assert selectors.participation(p.pk) == p and selectors.participation(0) is None


def test_due_date_boundaries_entry_and_exit():
    """Overdue the day after the due date, not on it; an exit dated later than today is not due yet."""
    p = _complete(date_entree=D(2025, 5, 1), zone_rurale="", sortie_formation=None)
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 5, 29))  # entry + 28 days: due today
    assert manque.echeance == D(2025, 5, 29) and not manque.en_retard
    assert selectors.a_completer(aujourd_hui=D(2025, 5, 30))[0].en_retard
    p.zone_rurale = "non"
    p.save()
    _sortie(p.participant, D(2025, 6, 2))
    assert selectors.a_completer(aujourd_hui=D(2025, 6, 1)) == []  # the exit is tomorrow
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 6, 2))
    assert manque.manques == ["sortie"] and manque.echeance == D(2025, 6, 30)
    assert not selectors.a_completer(aujourd_hui=D(2025, 6, 30))[0].en_retard
    assert selectors.a_completer(aujourd_hui=D(2025, 7, 1))[0].en_retard


def test_six_month_data_listed_exactly_30_days_before_and_incomplete_from_exit_plus_six_months():
    p = _complete(date_entree=D(2025, 1, 6), situation_amelioree_6_mois=None)
    _sortie(p.participant, D(2025, 2, 15), categorie_6_mois="EMPLOI_DURABLE")  # + 6 months = 15/08/2025
    assert selectors.a_completer(aujourd_hui=D(2025, 7, 15)) == []  # 31 days before
    [manque] = selectors.a_completer(aujourd_hui=D(2025, 7, 16))  # 30 days before
    assert manque.manques == ["6 mois"] and manque.echeance == D(2025, 9, 12)
    row = selectors.participations().get()
    assert not selectors.incomplet(row, D(2025, 8, 14)) and selectors.incomplet(row, D(2025, 8, 15))
    assert not selectors.a_completer(aujourd_hui=D(2025, 9, 12))[0].en_retard
    assert selectors.a_completer(aujourd_hui=D(2025, 9, 13))[0].en_retard


def test_each_entry_field_and_each_exit_answer_is_required():
    from fse.models import QUESTIONS_SORTIE, SENSIBLES

    for champ in ("situation_entree", "niveau_education", *SENSIBLES):
        p = _complete(date_entree=D(2025, 5, 1), **{champ: ""})
        assert selectors.manques_entree(p) == [champ]
    for champ in QUESTIONS_SORTIE:
        p = _complete(date_entree=D(2025, 5, 1), **{champ: None})
        _sortie(p.participant, D(2025, 5, 10))
        assert selectors.incomplet(selectors.participations().get(pk=p.pk), D(2025, 5, 10)), champ
        p.delete()


def test_participation_reads_its_operation_participant_and_partner_with_it(django_assert_num_queries):
    """The participation's pages show its operation, the participant's code and the convention's partner: one
    query for all of them, not one each."""
    p = ParticipationFSEFactory(convention=ConventionFactory())
    attendus = (p.operation.reference, p.participant.code, p.convention.partenaire.nom)
    with django_assert_num_queries(1):
        lue = selectors.participation(p.pk)
        assert (lue.operation.reference, lue.participant.code, lue.convention.partenaire.nom) == attendus
