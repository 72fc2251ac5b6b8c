"""The counting rules of facilitateurs.selectors, each edge on its own (written against the survivors of
`make mutation MODULES="facilitateurs/selectors.py"`): only SIAE sub-/co-contracting is converted from euros
(an amount typed on another modality is ignored), required hours are the contract's own insertion clauses only,
the training cap applies per contract and not when nothing is required, a rate of 0 converts nothing, and the
elapsed share of a contract at each of its boundaries."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from facilitateurs import selectors
from facilitateurs.enums import Modalite
from facilitateurs.models import HeuresMensuelles
from marches.models import Marche
from tests.clauses.factories import ClauseMarcheFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory

SEPT, OCT = datetime.date(2025, 9, 1), datetime.date(2025, 10, 1)


@pytest.fixture
def regles(settings):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": 0.3}


def _h(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


# ----------------------------------------------------------------------------- one row


@pytest.mark.django_db
def test_an_amount_on_a_modality_not_counted_in_euros_is_ignored(regles):
    """Only SIAE sub-/co-contracting converts euros: a direct hire or a training row that also carries an amount
    counts its hours, in the SQL expression of the bilans as in the follow-up's per-row rule."""
    marche = MarcheFactory()
    directe = HeuresMensuellesFactory(marche=marche, heures=Decimal("12"), montant_ht=Decimal("3000"))
    formation = HeuresMensuellesFactory(marche=marche, heures=Decimal("8"), montant_ht=Decimal("600"),
                                        modalite=Modalite.FORMATION)
    siae = HeuresMensuellesFactory(marche=marche, participant=None, entreprise=EntrepriseFactory(siae=True),
                                   heures=Decimal("5"), montant_ht=Decimal("900"),
                                   modalite=Modalite.SOUS_TRAITANCE_SIAE)
    par_ligne = {r.pk: _h(r.h) for r in HeuresMensuelles.objects.filter(marche=marche)
                 .annotate(h=selectors.heures_effectives())}
    assert par_ligne == {directe.pk: Decimal("12.00"), formation.pk: Decimal("8.00"), siae.pk: Decimal("30.00")}
    total = HeuresMensuelles.objects.filter(marche=marche).aggregate(t=Sum(selectors.heures_effectives()))["t"]
    assert _h(total) == Decimal("50.00")
    assert selectors.heure_ligne(directe) == Decimal("12")
    assert selectors.heure_ligne(formation) == Decimal("8")
    assert selectors.heure_ligne(siae) == Decimal("30")


@pytest.mark.django_db
def test_heure_ligne_uses_the_rate_it_is_given(regles):
    row = HeuresMensuellesFactory(participant=None, modalite=Modalite.CO_TRAITANCE_SIAE, heures=Decimal("0"),
                                  montant_ht=Decimal("1000"))
    assert selectors.heure_ligne(row, Decimal("50")) == Decimal("20")
    assert selectors.heure_ligne(row) == Decimal("1000") / Decimal("30")
    sans_heures = HeuresMensuellesFactory(heures=Decimal("0"))
    assert selectors.heure_ligne(sans_heures) == Decimal("0")


def test_euros_en_heures_edges(regles):
    assert selectors.euros_en_heures(Decimal("900"), Decimal("0")) == 0  # no rate: nothing converted, no error
    assert selectors.euros_en_heures(Decimal("0"), Decimal("30")) == 0
    assert selectors.euros_en_heures(Decimal("900")) == Decimal("30")  # the configured rate
    assert selectors.euros_en_heures(900, 45) == Decimal("20")


def test_rates_read_from_the_settings(settings):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 27.5, "FORMATION_PART_MAX": 0.25}
    assert selectors.taux_sous_traitance() == Decimal("27.5")
    assert selectors.part_max_formation() == Decimal("0.25")


# ----------------------------------------------------------------------------- the training cap


def test_training_cap_edges(regles):
    # the configured share (30 %) when none is given
    assert selectors.heures_formation_comptees(Decimal("500"), Decimal("1000")) == Decimal("300")
    # exactly at the cap, and just under it
    assert selectors.heures_formation_comptees(Decimal("300"), Decimal("1000")) == Decimal("300")
    assert selectors.heures_formation_comptees(Decimal("299"), Decimal("1000")) == Decimal("299")
    # nothing required (0 or unknown): uncapped
    assert selectors.heures_formation_comptees(Decimal("80"), Decimal("0"), Decimal("0.3")) == Decimal("80")
    assert selectors.heures_formation_comptees(Decimal("80"), None, Decimal("0.3")) == Decimal("80")
    assert selectors.heures_formation_comptees(None, Decimal("100"), Decimal("0.3")) == Decimal("0")
    # a tiny requirement caps
    assert selectors.heures_formation_comptees(Decimal("80"), Decimal("1"), Decimal("0.3")) == Decimal("0.3")


def test_heures_comptees_rounds_half_up_to_the_cent(regles):
    assert selectors.heures_comptees(heures_directes=Decimal("0.005")) == Decimal("0.01")
    assert selectors.heures_comptees(heures_directes=Decimal("0.004")) == Decimal("0.00")
    # each sum counts, the defaults are zero; euros at the configured rate, training capped at the configured share
    assert selectors.heures_comptees(montant_euros=Decimal("300")) == Decimal("10.00")
    assert selectors.heures_comptees(heures_euros_sans_montant=Decimal("7")) == Decimal("7.00")
    assert selectors.heures_comptees(heures_formation=Decimal("50"), heures_requises=Decimal("100")) == Decimal("30.00")
    assert selectors.heures_comptees(heures_formation=Decimal("50")) == Decimal("50.00")
    assert selectors.heures_comptees(heures_directes=None, heures_formation=None, montant_euros=None,
                                     heures_euros_sans_montant=None, heures_requises=None) == Decimal("0.00")


def test_heures_comptees_uses_the_rate_and_share_it_is_given(regles):
    """The configured rate (30 €/h) and share (30 %) are defaults only: given ones win."""
    assert selectors.heures_comptees(montant_euros=Decimal("300"), taux=Decimal("50")) == Decimal("6.00")
    assert selectors.heures_comptees(heures_formation=Decimal("80"), heures_requises=Decimal("100"),
                                     part_max=Decimal("0.5")) == Decimal("50.00")
    assert selectors.heures_formation_comptees(Decimal("80"), Decimal("100"), Decimal("0.5")) == Decimal("50")
    assert selectors.heures_formation_comptees(Decimal("80"), Decimal("100"), None) == Decimal("30")


# ----------------------------------------------------------------------------- per contract


@pytest.fixture
def deux_marches(regles):
    """A: insertion clauses 100 h + 50 h (and a social criterion of 1 000 h, which is no insertion clause);
    B: 400 h. Training 100 h on each; 20 h direct on A; SIAE rows on A (600 € = 20 h; 9 h without amount)."""
    a, b = MarcheFactory(), MarcheFactory()
    ClauseMarcheFactory(marche=a, heures_requises=Decimal("100"))
    ClauseMarcheFactory(marche=a, heures_requises=Decimal("50"))
    ClauseMarcheFactory(marche=a, type_clause="critere_social", heures_requises=Decimal("1000"))
    ClauseMarcheFactory(marche=b, heures_requises=Decimal("400"))
    siae = EntrepriseFactory(siae=True)
    HeuresMensuellesFactory(marche=a, heures=Decimal("100"), modalite=Modalite.FORMATION)
    HeuresMensuellesFactory(marche=b, heures=Decimal("100"), modalite=Modalite.FORMATION)
    HeuresMensuellesFactory(marche=a, heures=Decimal("20"))
    HeuresMensuellesFactory(marche=a, participant=None, entreprise=siae, modalite=Modalite.SOUS_TRAITANCE_SIAE,
                            heures=Decimal("3"), montant_ht=Decimal("600"))
    HeuresMensuellesFactory(marche=a, participant=None, entreprise=siae, modalite=Modalite.CO_TRAITANCE_SIAE,
                            heures=Decimal("9"), montant_ht=None)
    return a, b


@pytest.mark.django_db
def test_required_hours_are_the_contracts_own_insertion_clauses(deux_marches):
    a, b = deux_marches
    avancements = selectors.avancement_par_marche(Marche.objects.filter(pk__in=[a.pk, b.pk]),
                                                  today=datetime.date(2030, 1, 1))
    assert avancements[a.pk].requises == Decimal("150")
    assert avancements[b.pk].requises == Decimal("400")


@pytest.mark.django_db
def test_training_is_capped_per_contract_at_its_own_required_hours(deux_marches):
    a, b = deux_marches
    # A: 20 direct + 20 (600 €) + 9 (no amount) + training capped at 30 % × 150 = 45; B: 100 (cap 120, not reached)
    assert selectors.heures_realisees_par_marche([a.pk, b.pk]) == {a.pk: Decimal("94.00"), b.pk: Decimal("100.00")}
    assert selectors.heures_realisees_par_marche(Marche.objects.filter(pk=a.pk)) == {a.pk: Decimal("94.00")}


@pytest.mark.django_db
def test_a_contract_without_insertion_clause_has_its_training_uncapped(regles):
    marche = MarcheFactory()
    ClauseMarcheFactory(marche=marche, type_clause="critere_social", heures_requises=Decimal("100"))
    HeuresMensuellesFactory(marche=marche, heures=Decimal("70"), modalite=Modalite.FORMATION)
    assert selectors.heures_realisees_par_marche([marche.pk]) == {marche.pk: Decimal("70.00")}
    avancement = selectors.avancement_par_marche(Marche.objects.filter(pk=marche.pk))[marche.pk]
    assert avancement.requises == Decimal("0") and avancement.statut == selectors.SANS_OBJECTIF


@pytest.mark.django_db
def test_detail_sorts_companies_by_hours_and_counts_people_once(regles, django_assert_num_queries):
    marche = MarcheFactory()
    petite, grande = EntrepriseFactory(nom="A petite"), EntrepriseFactory(nom="Z grande")
    p = ParticipantFactory()
    HeuresMensuellesFactory(marche=marche, participant=p, entreprise=petite, mois=OCT, heures=Decimal("10"))
    HeuresMensuellesFactory(marche=marche, participant=p, entreprise=grande, mois=SEPT, heures=Decimal("30"))
    HeuresMensuellesFactory(marche=marche, participant=p, entreprise=grande, mois=OCT, heures=Decimal("5"))
    HeuresMensuellesFactory(marche=marche, participant=None, entreprise=petite, mois=SEPT,
                            modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("0"), montant_ht=Decimal("90"))
    with django_assert_num_queries(1):  # one query whatever the number of rows (companies joined)
        detail = selectors.detail_heures_marche(marche)
        assert detail["par_entreprise"] == [(grande, Decimal("35")), (petite, Decimal("13"))]
        assert [e.nom for e, _heures in detail["par_entreprise"]] == ["Z grande", "A petite"]
    assert detail["par_mois"] == [(SEPT, Decimal("33")), (OCT, Decimal("15"))]
    assert detail["par_modalite"] == [("Embauche directe", Decimal("45")), ("Sous-traitance à une SIAE", Decimal("3"))]
    assert detail["nb_participants"] == 1


# ----------------------------------------------------------------------------- elapsed share


def test_part_ecoulee_boundaries():
    debut, fin = datetime.date(2025, 1, 1), datetime.date(2025, 1, 11)
    assert selectors.part_ecoulee(None, fin, datetime.date(2025, 1, 5)) == 0
    assert selectors.part_ecoulee(debut, fin, datetime.date(2024, 12, 31)) == 0
    assert selectors.part_ecoulee(debut, fin, debut) == 0
    assert selectors.part_ecoulee(debut, fin, datetime.date(2025, 1, 2)) == Decimal("0.1")
    assert selectors.part_ecoulee(debut, fin, datetime.date(2025, 1, 10)) == Decimal("0.9")
    assert selectors.part_ecoulee(debut, fin, fin) == 1
    assert selectors.part_ecoulee(debut, fin, datetime.date(2026, 1, 1)) == 1
    # no end date: no pace can be expected
    assert selectors.part_ecoulee(debut, None, datetime.date(2026, 1, 1)) == 0
    # an end on (or before) the start: nothing elapsed until it, all of it from it
    assert selectors.part_ecoulee(debut, debut, debut) == 1
    assert selectors.part_ecoulee(fin, debut, datetime.date(2025, 1, 5)) == 0
    assert selectors.part_ecoulee(fin, debut, fin) == 1


@pytest.mark.django_db
def test_plafond_formation_is_the_given_share_of_insertion_hours_or_none(regles):
    from django.db.models import OuterRef

    avec, sans, zero = MarcheFactory(), MarcheFactory(), MarcheFactory()
    ClauseMarcheFactory(marche=avec, heures_requises=Decimal("100"))
    ClauseMarcheFactory(marche=avec, heures_requises=Decimal("60"))
    ClauseMarcheFactory(marche=avec, type_clause="critere_social", heures_requises=Decimal("1000"))
    ClauseMarcheFactory(marche=zero, heures_requises=Decimal("0"))
    qs = Marche.objects.filter(pk__in=[avec.pk, sans.pk, zero.pk])
    defaut = {m.pk: m.p for m in qs.annotate(p=selectors.plafond_formation(OuterRef("pk")))}
    donne = {m.pk: m.p for m in qs.annotate(p=selectors.plafond_formation(OuterRef("pk"), Decimal("0.5")))}
    assert {k: v if v is None else _h(v) for k, v in defaut.items()} == {avec.pk: Decimal("48.00"), sans.pk: None,
                                                                         zero.pk: None}
    assert {k: v if v is None else _h(v) for k, v in donne.items()} == {avec.pk: Decimal("80.00"), sans.pk: None,
                                                                        zero.pk: None}


@pytest.mark.django_db
def test_an_amount_that_does_not_divide_evenly_keeps_its_fraction_of_an_hour_in_sql(regles):
    """1 000 € ÷ 30 €/h = 33,33 h in the bilans' SQL as in the follow-up's per-row rule (SQLite stores a whole
    amount as an integer and divided integers: 33 h)."""
    siae = HeuresMensuellesFactory(marche=MarcheFactory(), participant=None, entreprise=EntrepriseFactory(siae=True),
                                   heures=Decimal("0"), montant_ht=Decimal("1000"),
                                   modalite=Modalite.SOUS_TRAITANCE_SIAE)
    sql = HeuresMensuelles.objects.filter(pk=siae.pk).aggregate(t=Sum(selectors.heures_effectives()))["t"]
    assert _h(sql) == _h(selectors.heure_ligne(siae)) == Decimal("33.33")
