"""The hours rules of facilitateurs.selectors in each of their shapes (SQL expression for the bilans, Python per row
for the follow-up screen, sums per contract): sub- AND co-contracting to an SIAE are counted in euros converted to
hours; an SIAE row without an amount counts its hours as entered (not 0); and the figures of a contract's
follow-up (detail_heures_marche) by modality, company and month."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from facilitateurs import selectors
from facilitateurs.enums import Modalite
from facilitateurs.models import HeuresMensuelles
from tests.clauses.factories import ClauseMarcheFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db

SEPT, OCT, NOV = datetime.date(2025, 9, 1), datetime.date(2025, 10, 1), datetime.date(2025, 11, 1)


@pytest.fixture
def contrat(settings):
    """A contract with every kind of row (30 €/h, training capped at 30 % of 1,000 required hours)."""
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": 0.3}
    marche = MarcheFactory()
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("1000"))
    a = EntrepriseFactory(nom="Bâti Sud")
    b = EntrepriseFactory(nom="GEIQ Landes")
    siae = EntrepriseFactory(nom="Chantier d'insertion", siae=True)
    p1, p2 = ParticipantFactory(), ParticipantFactory()
    rows = {
        "directe_sept": HeuresMensuellesFactory(marche=marche, participant=p1, entreprise=a, mois=SEPT,
                                                heures=Decimal("100")),
        "directe_oct": HeuresMensuellesFactory(marche=marche, participant=p1, entreprise=a, mois=OCT,
                                               heures=Decimal("50")),
        "formation": HeuresMensuellesFactory(marche=marche, participant=p2, entreprise=b, mois=OCT,
                                             modalite=Modalite.FORMATION, heures=Decimal("500")),
        # 3,000 € at 30 €/h = 100 h; the 7 h typed beside the amount do not count.
        "sous_traitance": HeuresMensuellesFactory(marche=marche, participant=None, entreprise=siae, mois=SEPT,
                                                  modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("7"),
                                                  montant_ht=Decimal("3000")),
        # Co-contracting is converted too: 600 € = 20 h.
        "co_traitance": HeuresMensuellesFactory(marche=marche, participant=None, entreprise=siae, mois=OCT,
                                                modalite=Modalite.CO_TRAITANCE_SIAE, heures=Decimal("0"),
                                                montant_ht=Decimal("600")),
        # No amount: its 10 h count as entered.
        "sans_montant": HeuresMensuellesFactory(marche=marche, participant=None, entreprise=siae, mois=NOV,
                                                modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("10"),
                                                montant_ht=None),
    }
    # Another contract's hours (same people and companies) are not this contract's.
    HeuresMensuellesFactory(participant=p1, entreprise=a, mois=SEPT, heures=Decimal("40"))
    HeuresMensuellesFactory(participant=None, entreprise=siae, mois=OCT, modalite=Modalite.CO_TRAITANCE_SIAE,
                            heures=Decimal("0"), montant_ht=Decimal("9000"))
    return {"marche": marche, "a": a, "b": b, "siae": siae, "rows": rows}


def test_heure_ligne_converts_sub_and_co_contracting_and_keeps_hours_without_amount(contrat):
    rows = contrat["rows"]
    assert selectors.heure_ligne(rows["sous_traitance"]) == Decimal("100")
    assert selectors.heure_ligne(rows["co_traitance"]) == Decimal("20")
    assert selectors.heure_ligne(rows["sans_montant"]) == Decimal("10")
    assert selectors.heure_ligne(rows["directe_sept"]) == Decimal("100")


def test_sql_expression_of_the_bilans_agrees_row_by_row(contrat):
    """heures_effectives() is what the bilans sum: the same value as heure_ligne for every row."""
    qs = HeuresMensuelles.objects.filter(marche=contrat["marche"]).annotate(h=selectors.heures_effectives())
    par_ligne = {row.pk: Decimal(row.h).quantize(Decimal("0.01")) for row in qs}
    assert par_ligne == {row.pk: selectors.heure_ligne(row).quantize(Decimal("0.01"))
                         for row in contrat["rows"].values()}
    assert par_ligne[contrat["rows"]["co_traitance"].pk] == Decimal("20.00")
    assert par_ligne[contrat["rows"]["sans_montant"].pk] == Decimal("10.00")
    total = HeuresMensuelles.objects.filter(marche=contrat["marche"]).aggregate(t=Sum(selectors.heures_effectives()))
    assert Decimal(total["t"]).quantize(Decimal("0.01")) == Decimal("780.00")  # 150 + 500 + 100 + 20 + 10


def test_realised_hours_per_contract(contrat):
    # 150 direct + training capped at 300 + 100 (sub-contracting) + 20 (co-contracting) + 10 (no amount)
    assert selectors.heures_realisees_par_marche([contrat["marche"].pk]) == {contrat["marche"].pk: Decimal("580.00")}


def test_detail_heures_marche_figures(contrat):
    detail = selectors.detail_heures_marche(contrat["marche"])
    assert detail["par_modalite"] == [
        ("Co-traitance avec une SIAE", Decimal("20")),
        ("Embauche directe", Decimal("150")),
        ("Formation", Decimal("500")),  # before the training cap (it applies per contract)
        ("Sous-traitance à une SIAE", Decimal("110")),
    ]
    assert detail["par_entreprise"] == [(contrat["b"], Decimal("500")), (contrat["a"], Decimal("150")),
                                        (contrat["siae"], Decimal("130"))]
    assert detail["par_mois"] == [(SEPT, Decimal("200")), (OCT, Decimal("570")), (NOV, Decimal("10"))]
    assert detail["nb_participants"] == 2


def test_detail_of_a_contract_without_hours():
    assert selectors.detail_heures_marche(MarcheFactory()) == {"par_modalite": [], "par_entreprise": [],
                                                                "par_mois": [], "nb_participants": 0}


def test_hours_by_month_for_partners_convert_the_same_way(contrat):
    par_mois = selectors.heures_par_mois_et_commune([contrat["marche"]])["par_mois"]
    assert [(mois, Decimal(h).quantize(Decimal("0.01"))) for mois, h in par_mois] == [
        (SEPT, Decimal("200.00")), (OCT, Decimal("570.00")), (NOV, Decimal("10.00"))]
