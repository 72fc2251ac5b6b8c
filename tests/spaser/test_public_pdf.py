"""The public scheme PDF (issues 14 and 19): every section of the screen, inside its pages, rows never split,
tagged (PDF/UA-1) with title and language."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bilans import pdf as bilans_pdf
from spaser.enums import Unite
from spaser.views import public
from tests.core.factories import OrganisationFactory
from tests.mise_en_page_pdf import (
    defauts_de_mise_en_page,
    etiquetage,
    marqueurs_separes,
    textes_hors_page,
    textes_par_page,
)
from tests.spaser.factories import (
    ActionFactory,
    AxeFactory,
    CibleFactory,
    IndicateurFactory,
    ObjectifFactory,
    SpaserFactory,
)

pytestmark = pytest.mark.django_db

LONG = ("des marchés de travaux, de maintenance et de nettoyage des bâtiments départementaux et des collèges "
        "comportant une clause sociale d'insertion ou un critère environnemental")
N = 30


@pytest.fixture
def schema(db):
    """A scheme over seven years (seven target columns), 30 indicators of long labels marked DEBnn … FINnn with
    large euro targets, actions of objectives and transverse actions."""
    instance = OrganisationFactory(instance=True, nom="Département des Landes")
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance], titre="Schéma des achats responsables des Landes",
                           annee_debut=2024, annee_fin=2030)
    n = 0
    for a in range(2):
        axe = AxeFactory(spaser=spaser, titre=f"Axe {a + 1} : {LONG}")
        for o in range(3):
            objectif = ObjectifFactory(axe=axe, titre=f"Objectif {a + 1}.{o + 1} : augmenter la part {LONG}")
            for _ in range(N // 6):
                indicateur = IndicateurFactory(objectif=objectif, libelle=f"DEB{n:02d} Montant {LONG} FIN{n:02d}",
                                               unite=Unite.EUROS, valeur_reference=Decimal("1250000"))
                for annee in range(2024, 2031):
                    CibleFactory(indicateur=indicateur, annee=annee, valeur=Decimal("2500000") + annee)
                n += 1
            ActionFactory(spaser=spaser, objectif=objectif, titre=f"Former les acheteurs {LONG}")
    ActionFactory(spaser=spaser, titre="Action transversale : un guide des clauses pour tous les services",
                  echeance=datetime.date(2027, 6, 30))
    return spaser


def test_public_pdf_has_every_section_inside_its_pages_and_no_split_row(client, schema, monkeypatch):
    rendus = []

    def pdf_accessible(html, **kwargs):
        rendus.append(html)
        return bilans_pdf.pdf_accessible(html, **kwargs)

    monkeypatch.setattr(public, "pdf_accessible", pdf_accessible)
    response = client.get(reverse("spaser:public_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    pages = textes_par_page(pdf)
    assert len(pages) >= 3
    texte = " ".join(pages)
    # Every section the public page shows, the transverse actions included.
    for attendu in ("Actions transversales", "Action transversale : un guide des clauses", "Cible 2030",
                    "Les indicateurs sont publiés tous les deux ans"):
        assert attendu in texte, attendu
    assert textes_hors_page(pdf) == []
    assert marqueurs_separes(pdf, range(N)) == []
    assert defauts_de_mise_en_page(bilans_pdf.document_accessible(rendus[0])) == []


def test_public_pdf_is_tagged(client, schema):
    tags = etiquetage(client.get(reverse("spaser:public_pdf")).content)
    assert tags["marque"] and tags["arbre"]
    assert tags["langue"] == "fr"
    assert tags["titre"] == "Schéma des achats responsables des Landes"
