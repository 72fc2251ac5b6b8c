"""Charts in the browser (issues 14 and 19), on a phone (390 px) and a laptop: Chart.js draws every chart of the
dashboard through the one chart script, a long label wraps onto lines that fit the axis (never cut like
"e alors que la valeur atteint le seuil européen…"), and a count axis steps by whole numbers."""

import pytest

from marches.compliance import MANQUE_SOCIALE
from marches.enums import StatutConformite
from marches.models import Marche
from tests.bilans.helpers import attendre_chiffres
from tests.browser.connexion import connecter
from tests.core.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ETAT_GRAPHIQUES = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).map((canvas) => {
  const chart = Chart.getChart(canvas);
  if (!chart) return {cle: canvas.dataset.chart, dessine: false};
  const horizontal = chart.options.indexAxis === "y";
  const libelles = chart.scales[horizontal ? "y" : "x"];
  const valeurs = chart.scales[horizontal ? "x" : "y"];
  return {
    cle: canvas.dataset.chart, dessine: true,
    largeurLibelles: libelles._labelSizes ? libelles._labelSizes.widest.width : 0,
    largeurAxe: libelles.width, gaucheAxe: libelles.left,
    lignes: libelles.ticks.map((t) => [].concat(t.label)),
    graduations: valeurs.ticks.map((t) => t.value),
  };
})"""




@pytest.mark.parametrize("largeur", [390, 1366])
def test_dashboard_chart_labels_fit_and_counts_step_by_whole_numbers(live_server, page, jeu, largeur):
    Marche.objects.filter(pk=jeu.m4.pk).update(statut_conformite=StatutConformite.NON_CONFORME,
                                               manquements=[MANQUE_SOCIALE])
    UserFactory(username="g-elu", role="elu", organisation=jeu.instance)
    page.set_viewport_size({"width": largeur, "height": 900})
    connecter(page, live_server, "g-elu")
    page.goto(f"{live_server.url}/bilans/?annee=2025")
    attendre_chiffres(page)
    graphiques = {g["cle"]: g for g in page.evaluate(ETAT_GRAPHIQUES)}
    assert {"considerations", "manquements", "tendance_heures"} <= set(graphiques)
    for cle, g in graphiques.items():
        assert g["dessine"], cle
        # The widest label line fits in the axis' width: nothing cut at the left edge of the canvas.
        assert g["largeurLibelles"] <= g["largeurAxe"] + 1 and g["gaucheAxe"] >= 0, (cle, g)
    manquement = graphiques["manquements"]
    lignes = [ligne for libelle in manquement["lignes"] for ligne in libelle]
    assert " ".join(" ".join(lignes).split()).find("alors que la valeur atteint le seuil européen (L2112-2-1)") > 0
    # Counts: 0, 1, 2… never 0,5.
    assert all(float(v).is_integer() for v in manquement["graduations"]), manquement["graduations"]
