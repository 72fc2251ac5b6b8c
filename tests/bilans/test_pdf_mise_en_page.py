"""The bilan PDF looks printed by a professional and is tagged (issues 14 and 19): on a bilan with long labels and
tables of several pages, every text stays inside the page, no table row is cut by a page break, chart labels
are whole, and the PDF is tagged (PDF/UA-1) with a title, French language and a text alternative per chart."""

import base64
import re
from decimal import Decimal
from html import unescape

import pytest

from bilans.graphiques import Colonne, Graphique, graduations
from bilans.pdf import PDF_OPTIONS, bilan_html, bilan_pdf, document_accessible
from bilans.svg import HAUTEUR_MAX, graphique_svgs, textes_hors_cadre
from marches.compliance import MANQUE_SOCIALE
from marches.enums import StatutConformite
from marches.models import Marche
from tests.bilans.helpers import normalise, pdf_text
from tests.clauses.factories import ClauseMarcheFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory
from tests.mise_en_page_pdf import (
    defauts_de_mise_en_page,
    etiquetage,
    marqueurs_separes,
    textes_hors_page,
)

N_MARCHES = 36
LONG = ("de maintenance, d'entretien et de nettoyage des bâtiments départementaux, des collèges et des routes "
        "du territoire landais, avec insertion")


@pytest.fixture
def grand_bilan(jeu):
    """The hand-computed dataset plus 36 contracts of 2025 with an insertion clause, each with a long object and
    its own company of a long name (both marked DEBnn … FINnn), and a long compliance failure label."""
    for n in range(N_MARCHES):
        marche = MarcheFactory(acheteur=jeu.instance, objet=f"DEB{n:02d} Marché {LONG} FIN{n:02d}",
                               montant_ht=Decimal("1250000"), clause_sociale=True)
        ClauseMarcheFactory(marche=marche, heures_requises=Decimal("1200"), heures_forcees=Decimal("1200"))
        entreprise = EntrepriseFactory(nom=f"DEB{n:02d} Société coopérative {LONG} FIN{n:02d}")
        AttributionFactory(marche=marche, entreprise=entreprise)
        HeuresMensuellesFactory(marche=marche, entreprise=entreprise, participant=ParticipantFactory(commune="Dax"),
                                heures=Decimal(1000 + n))
    Marche.objects.filter(pk=jeu.m4.pk).update(statut_conformite=StatutConformite.NON_CONFORME,
                                               manquements=[MANQUE_SOCIALE])
    return jeu


def test_the_bilan_stays_inside_its_pages_and_never_splits_a_row(grand_bilan):
    html = bilan_html(acheteur=grand_bilan.instance, annee=2025)
    document = document_accessible(html)
    assert len(document.pages) >= 8  # long tables: several pages
    assert defauts_de_mise_en_page(document) == []
    pdf = document.write_pdf(**PDF_OPTIONS)
    assert textes_hors_page(pdf) == []
    # Each long first cell (contract, company) starts and ends on the same page: no row is cut.
    assert marqueurs_separes(pdf, range(N_MARCHES)) == []


def test_chart_labels_are_whole_in_the_pdf(grand_bilan):
    html = bilan_html(acheteur=grand_bilan.instance, annee=2025)
    assert "…" not in html.split("<body>")[1]
    # The charts are base64 images: their own labels are read from the decoded SVGs (the tables under the charts
    # carry the same texts, so the PDF's text alone would not show a cut chart label).
    textes_graphiques = normalise(" ".join(t for svg in svgs_du_html(html) for t in textes_du_svg(svg)))
    assert textes_graphiques and "…" not in textes_graphiques
    assert normalise(MANQUE_SOCIALE) in textes_graphiques
    text = pdf_text(bilan_pdf(acheteur=grand_bilan.instance, annee=2025))
    # The long compliance failure appears whole (chart and table), never "… alors que la valeur at…".
    assert normalise(MANQUE_SOCIALE) in text
    assert f"FIN{N_MARCHES - 1:02d}" in text


def test_the_bilan_pdf_is_tagged_with_title_language_and_chart_alternatives(jeu):
    pdf = bilan_pdf(acheteur=jeu.instance, annee=2025)
    tags = etiquetage(pdf)
    assert tags["marque"] and tags["arbre"]
    assert tags["langue"] == "fr"
    assert tags["titre"] == f"Bilan 2025 — {jeu.instance.nom}"
    assert tags["figures"], "each chart is a figure"
    assert all(alt.startswith("Graphique : ") for alt in tags["figures"]), tags["figures"]
    assert "Graphique : Heures d'insertion réalisées par année. Les chiffres sont dans le tableau qui suit." \
        in tags["figures"]


def _graphique(type_, libelles, valeurs, format_="nombre", series=None):
    colonnes = [Colonne("Libellé", "texte"), Colonne("Valeur", format_), Colonne("Autre valeur", format_)]
    return Graphique("essai", "Essai", type_, colonnes, [[lib, v, v] for lib, v in zip(libelles, valeurs, strict=True)],
                     series=series or [1])


@pytest.mark.parametrize("type_", ["barres", "colonnes", "ligne"])
def test_svg_labels_are_whole_and_inside_the_drawing(type_):
    libelles = [MANQUE_SOCIALE, "Valeur estimée et montant inconnus : seuil européen non vérifiable (L2112-2-1)",
                "Court", "Anticonstitutionnellementissimeextraordinairementlongmot"]
    svg = "".join(graphique_svgs(_graphique(type_, libelles, [123456789, 3, 0, 17440], "euros", series=[1, 2])))
    assert "…" not in svg
    assert textes_hors_cadre(svg) == []
    # Every word of the long label is in the drawing (wrapped, not cut).
    for mot in ("Condition", "européen", "(L2112-2-1)"):
        assert mot in svg


def test_a_tall_bar_chart_is_drawn_in_parts_that_fit_a_page():
    libelles = [f"DEB{n:02d} {MANQUE_SOCIALE} FIN{n:02d}" for n in range(40)]
    parties = graphique_svgs(_graphique("barres", libelles, list(range(40)), series=[1, 2]))
    assert len(parties) > 1
    for svg in parties:
        hauteur = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
        assert hauteur <= HAUTEUR_MAX and textes_hors_cadre(svg) == []
    texte = "".join(parties)
    assert all(f"DEB{n:02d}" in texte and f"FIN{n:02d}" in texte for n in range(40))
    assert "Autre valeur" in parties[-1] and "Autre valeur" not in parties[0]  # the legend closes the chart


def test_a_count_axis_steps_by_whole_numbers():
    assert graduations(3, entier=True) == [0, 1, 2, 3]
    assert graduations(1, entier=True) == [0, 1]
    assert graduations(17440, entier=True) == [0, 5000, 10000, 15000, 20000]
    assert all(isinstance(t, int) for t in graduations(7, entier=True))
    assert graduations(0.43) == [0.0, 0.2, 0.4, 0.6]  # shares may step by fractions
    [svg] = graphique_svgs(_graphique("ligne", ["2023", "2024", "2025"], [1, 3, 2]))
    # The axis of a count reads 0, 1, 2, 3: never 1,5.
    etiquettes = [t for t in textes_du_svg(svg) if t.replace(" ", "").isdigit() or "," in t]
    assert "1,5" not in etiquettes and {"0", "1", "2", "3"} <= set(etiquettes)


def test_chartjs_data_say_when_the_axis_counts():
    assert _graphique("barres", ["a"], [2]).chartjs()["entier"] is True
    assert _graphique("barres", ["a"], [Decimal("0.2")], "pourcent").chartjs()["entier"] is False


def textes_du_svg(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r">([^<>]+)</t", svg)]


def svgs_du_html(html: str) -> list[str]:
    """The charts' SVGs, decoded from the <img> data URIs of the PDF's HTML."""
    return [base64.b64decode(donnees).decode("utf-8")
            for donnees in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]
