import datetime
from decimal import Decimal

import pytest

from facilitateurs import selectors
from facilitateurs.enums import Modalite
from tests.clauses.factories import ClauseMarcheFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory
from tests.marches.factories import EntrepriseFactory, MarcheFactory


def test_euros_converted_at_the_configured_rate(settings):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 25}
    assert selectors.euros_en_heures(Decimal("3000")) == Decimal("120")
    assert selectors.euros_en_heures(Decimal("3000"), Decimal("30")) == Decimal("100")
    assert selectors.euros_en_heures(None) == 0


def test_training_capped_at_share_of_required_hours():
    assert selectors.heures_formation_comptees(500, 1000, Decimal("0.3")) == Decimal("300")
    assert selectors.heures_formation_comptees(200, 1000, Decimal("0.3")) == Decimal("200")
    # nothing required: nothing to cap against
    assert selectors.heures_formation_comptees(200, 0, Decimal("0.3")) == Decimal("200")


def test_heures_comptees_adds_the_four_sums():
    total = selectors.heures_comptees(heures_directes=100, heures_formation=400, montant_euros=Decimal("1500"),
                                      heures_euros_sans_montant=10, heures_requises=1000, taux=Decimal("30"),
                                      part_max=Decimal("0.3"))
    assert total == Decimal("100") + Decimal("300") + Decimal("50") + Decimal("10")


def test_avancement_pace_forecast_and_status():
    debut, fin = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    mid = debut + (fin - debut) / 2
    a = selectors.avancement(requises=1000, realisees=250, date_debut=debut, date_fin=fin, today=mid)
    assert a.attendues == Decimal("500.00")
    assert a.prevision == Decimal("500.00")
    assert a.statut == selectors.EN_RETARD
    assert selectors.avancement(requises=1000, realisees=520, date_debut=debut, date_fin=fin,
                                today=mid).statut == selectors.DANS_LES_TEMPS
    assert selectors.avancement(requises=1000, realisees=700, date_debut=debut, date_fin=fin,
                                today=mid).statut == selectors.EN_AVANCE
    before = selectors.avancement(requises=1000, realisees=0, date_debut=debut, date_fin=fin,
                                  today=datetime.date(2024, 6, 1))
    assert before.statut == selectors.DANS_LES_TEMPS and before.prevision is None
    assert selectors.avancement(requises=0, realisees=5, date_debut=debut, date_fin=fin,
                                today=mid).statut == selectors.SANS_OBJECTIF


@pytest.mark.django_db
def test_heures_realisees_par_marche_in_one_query(settings, django_assert_num_queries):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": 0.3}
    marche, autre, vide = MarcheFactory(), MarcheFactory(), MarcheFactory()
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("600"))
    ClauseMarcheFactory(marche=marche, heures_requises=Decimal("400"))  # two clauses: 1000 h required
    ClauseMarcheFactory(marche=marche, type_clause="critere_social", heures_requises=Decimal("999"))
    siae = EntrepriseFactory(siae=True)
    HeuresMensuellesFactory(marche=marche, heures=Decimal("100"))
    HeuresMensuellesFactory(marche=marche, heures=Decimal("500"), modalite=Modalite.FORMATION)
    HeuresMensuellesFactory(marche=marche, participant=None, entreprise=siae, modalite=Modalite.SOUS_TRAITANCE_SIAE,
                            heures=Decimal("0"), montant_ht=Decimal("3000"))
    HeuresMensuellesFactory(marche=marche, participant=None, entreprise=siae, modalite=Modalite.CO_TRAITANCE_SIAE,
                            heures=Decimal("0"), montant_ht=Decimal("600"))
    HeuresMensuellesFactory(marche=autre, heures=Decimal("42.5"))
    with django_assert_num_queries(1):
        result = selectors.heures_realisees_par_marche([marche.pk, autre.pk, vide.pk])
    assert result == {marche.pk: Decimal("100") + Decimal("300") + Decimal("100") + Decimal("20"),
                      autre.pk: Decimal("42.50"), vide.pk: Decimal("0")}
    avancements = selectors.avancement_par_marche(selectors.Marche.objects.filter(pk=marche.pk),
                                                  today=datetime.date(2030, 1, 1))
    assert avancements[marche.pk].requises == Decimal("1000")
    assert avancements[marche.pk].statut == selectors.EN_RETARD


@pytest.mark.django_db
def test_heures_par_mois_et_commune(settings):
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30}
    from tests.facilitateurs.factories import ParticipantFactory

    marche = MarcheFactory()
    dax = ParticipantFactory(commune="Dax", code_postal="40100")
    HeuresMensuellesFactory(marche=marche, participant=dax, heures=Decimal("10"), mois=datetime.date(2025, 1, 1))
    HeuresMensuellesFactory(marche=marche, participant=dax, heures=Decimal("5"), mois=datetime.date(2025, 2, 1),
                            modalite=Modalite.FORMATION)
    HeuresMensuellesFactory(marche=marche, participant=None, entreprise=EntrepriseFactory(siae=True),
                            modalite=Modalite.SOUS_TRAITANCE_SIAE, heures=Decimal("0"), montant_ht=Decimal("300"),
                            mois=datetime.date(2025, 1, 1))
    result = selectors.heures_par_mois_et_commune(selectors.Marche.objects.filter(pk=marche.pk))
    assert result["par_mois"] == [(datetime.date(2025, 1, 1), Decimal("20")), (datetime.date(2025, 2, 1), Decimal("5"))]
    assert dict(result["par_commune"]) == {"Dax 40100": Decimal("15"),
                                           "Sans participant (sous- ou co-traitance SIAE)": Decimal("10")}
