"""Every indicator has one written definition, on a coherent population, shown next to the figure (dashboard,
PDF, XLSX), and the insertion-hours rate counts realised and required hours of the SAME contracts."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from bilans.definitions import DEFINITIONS, DEFINITIONS_GRAPHIQUES, texte
from bilans.graphiques import graphiques
from bilans.pdf import bilan_pdf
from bilans.selectors import indicateurs_annuels, periode_execution
from core.enums import Role
from spaser.figures import FIGURES, figure_value
from tests.bilans.helpers import normalise, page_chiffres, pdf_text, xlsx_text
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory
from tests.marches.factories import MarcheFactory

pytestmark = pytest.mark.django_db
D = Decimal


def d(y, m, day=1):
    return datetime.date(y, m, day)


@pytest.fixture
def chantiers(settings):
    """2025, the instance. A: notified 2024, 1 000 h required, executed 01/01/2024 → 31/12/2025, 300 h in 2024
    and 400 h in 2025. B: notified 2025, 200 h, from 01/07/2025 for 12 months (no end date), 50 h in 2025.
    C: notified 2020, ended 31/12/2021, 500 h all realised in 2021 (not in execution in 2025). E: notified 2025,
    100 h, no end date nor duration, 20 h. Old rule: 470 h of 2025 ÷ 300 h required by the contracts notified in
    2025 = 156.7 %. One population (A, B, E, in execution in 2025): 770 h ÷ 1 300 h = 59.23 %."""
    settings.SPASER = {**settings.SPASER, "SOUS_TRAITANCE_EUROS_PAR_HEURE": 30, "FORMATION_PART_MAX": "0.3"}
    acheteur = OrganisationFactory(instance=True)
    a = MarcheFactory(acheteur=acheteur, date_notification=d(2024, 1, 1), date_debut=d(2024, 1, 1),
                      date_fin=d(2025, 12, 31))
    b = MarcheFactory(acheteur=acheteur, date_notification=d(2025, 6, 1), date_debut=d(2025, 7, 1), date_fin=None,
                      duree_mois=12)
    c = MarcheFactory(acheteur=acheteur, date_notification=d(2020, 6, 1), date_debut=d(2021, 1, 1),
                      date_fin=d(2021, 12, 31))
    e = MarcheFactory(acheteur=acheteur, date_notification=d(2025, 2, 1), date_debut=d(2025, 2, 1), date_fin=None,
                      duree_mois=None)
    for marche, heures in ((a, 1000), (b, 200), (c, 500), (e, 100)):
        ClauseMarcheFactory(marche=marche, heures_requises=D(heures), heures_forcees=D(heures))
    for marche, mois, heures in ((a, d(2024, 5), 300), (a, d(2025, 5), 400), (b, d(2025, 9), 50),
                                 (c, d(2021, 6), 500), (e, d(2025, 3), 20)):
        HeuresMensuellesFactory(marche=marche, mois=mois, heures=D(heures))
    return acheteur


def test_realisation_rate_counts_realised_and_required_hours_of_the_same_contracts(chantiers):
    data = indicateurs_annuels(acheteur=chantiers, annee=2025)
    r = data.realisation
    assert r.date_reference == d(2025, 12, 31)
    assert r.marches == 3 and r.marches_sans_periode == 1  # C ended before 2025; E has no end
    assert r.heures_requises == D("1300") and r.heures_realisees == D("770")
    assert figure_value("taux_realisation_heures", data) == D("770") / D("1300")
    assert r.taux == D("0.5923")
    # Pace: A is over (1 000 h expected); B ran 183 of its 365 days (01/07/2025 + 12 months); E has no pace.
    attendues = (D("1000") + D("200") * D(183) / D(365)).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert r.heures_attendues == attendues
    assert r.heures_realisees_rythme == D("750")  # A and B only: the same contracts as the expected hours
    assert r.rythme == (D("750") / attendues).quantize(D("0.0001"), rounding=ROUND_HALF_UP)
    assert figure_value("rythme_realisation_heures", data) == D("750") / attendues
    # The year's commitments and the year's hours are still there, each with its own definition.
    assert data.heures_requises == D("300") and data.heures_realisees == D("470")


def test_realisation_of_2021_keeps_the_contract_that_ended_that_year(chantiers):
    r = indicateurs_annuels(acheteur=chantiers, annee=2021, details=False).realisation
    assert (r.marches, r.heures_requises, r.heures_realisees, r.taux) == (1, D("500"), D("500"), D("1"))
    assert r.heures_attendues == D("500") and r.rythme == D("1")


def test_execution_period_falls_back_on_notification_and_duration():
    assert periode_execution(date_debut=None, date_fin=None, date_notification=d(2025, 1, 31),
                             duree_mois=1) == (d(2025, 1, 31), d(2025, 2, 28))
    assert periode_execution(date_debut=d(2025, 3, 1), date_fin=d(2025, 4, 1), date_notification=None,
                             duree_mois=24) == (d(2025, 3, 1), d(2025, 4, 1))
    assert periode_execution(date_debut=None, date_fin=None, date_notification=None, duree_mois=6) == (None, None)


def test_every_figure_and_chart_has_a_written_definition(jeu):
    for key in FIGURES:
        definition = DEFINITIONS[key]
        assert definition.libelle and definition.numerateur and definition.population and definition.periode
    for g in graphiques(indicateurs_annuels(acheteur=jeu.instance, annee=2025)):
        assert g.key in DEFINITIONS_GRAPHIQUES and g.definition, g.key
    taux = DEFINITIONS["taux_realisation_heures"]
    assert "ces mêmes marchés" in taux.denominateur and "en cours d'exécution" in taux.population
    assert "0 €" in texte("achats_siae_montant")  # the sub-contractor rule is written where the figure is


def test_definitions_are_shown_next_to_the_figures(client, jeu):
    client.force_login(UserFactory(role=Role.ELU, organisation=jeu.instance))
    html = normalise(page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025}).content.decode())
    assert normalise(texte("taux_realisation_heures")).replace("'", "&#x27;") in html
    assert 'data-testid="kpi-rythme_realisation_heures"' in html
    assert 'data-testid="definition-heures_commune"' in html
    xlsx = xlsx_text(page_chiffres(client, reverse("bilans:export"), {"annee": 2025, "graphique": "heures_commune"}).content)
    assert "Définition : Personnes distinctes ayant des heures" in xlsx
    text = pdf_text(bilan_pdf(acheteur=jeu.instance, annee=2025))
    assert "Définitions des indicateurs" in text
    assert normalise(texte("rythme_realisation_heures"))[:120] in text
