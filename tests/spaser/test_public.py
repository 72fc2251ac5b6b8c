"""The public site: no login, only what is published, never a person, never an unpublished entry."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from spaser.enums import StatutSpaser
from tests.core.factories import OrganisationFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory, IdentiteParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory
from tests.spaser.access import ACCESS
from tests.spaser.factories import (
    ActionFactory,
    AxeFactory,
    CibleFactory,
    DocumentStrategiqueFactory,
    IndicateurFactory,
    ObjectifFactory,
    ProgrammationFactory,
    SpaserFactory,
)

PROCHAINE = datetime.date.today().year + 1  # the forecast shows upcoming quarters only

pytestmark = pytest.mark.django_db

PUBLIC_URLS = sorted(name for name in ACCESS if name.startswith("spaser:public_"))


class FakeHTML:
    """Stands in for WeasyPrint: keeps the HTML the PDF would be made of, so its text can be checked."""

    rendered = []

    def __init__(self, string, base_url=None):
        FakeHTML.rendered.append(string)

    def render(self, **options):
        return self

    def write_pdf(self, **options):
        return b"%PDF-1.7 fake"


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        sheets = load_workbook(io.BytesIO(content))
        return "\n".join(str(v) for ws in sheets for row in ws.iter_rows(values_only=True) for v in row if v)
    if "pdf" in kind:
        return FakeHTML.rendered[-1]
    return content.decode("utf-8")


def public_texts(client, monkeypatch) -> dict:
    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    texts = {}
    for name in PUBLIC_URLS:
        url = reverse(name)
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        if response.status_code == 200:
            texts[url] = _text(response)
    assert len(texts) >= len(PUBLIC_URLS) - 1  # every public page answered (the DECP file may be pending)
    return texts


@pytest.fixture
def scene(db):
    instance = OrganisationFactory(instance=True)
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance], titre="Schéma public des Landes",
                           date_adoption=datetime.date(2024, 3, 15))
    axe = AxeFactory(spaser=spaser, titre="Axe social visible")
    objectif = ObjectifFactory(axe=axe, titre="Objectif visible")
    visible = IndicateurFactory(objectif=objectif, libelle="Indicateur visible")
    CibleFactory(indicateur=visible, annee=2025, valeur=Decimal("0.3"))
    IndicateurFactory(objectif=objectif, libelle="Indicateur interne zorglub", published=False)
    ActionFactory(spaser=spaser, objectif=objectif, titre="Action visible")
    ActionFactory(spaser=spaser, objectif=objectif, titre="Action interne zorglub", published=False)
    DocumentStrategiqueFactory(spaser=spaser, titre="PCET visible")
    DocumentStrategiqueFactory(spaser=spaser, titre="Note interne zorglub", published=False)
    brouillon = SpaserFactory(acheteurs=[instance], titre="Brouillon zorglub", statut=StatutSpaser.BROUILLON)
    AxeFactory(spaser=brouillon, titre="Axe du brouillon zorglub")
    ProgrammationFactory(acheteur=instance, objet="Achat publié des collèges")
    ProgrammationFactory(acheteur=instance, objet="Achat secret zorglub", published=False)
    # Data with people in it: contract, hours, identities.
    marche = MarcheFactory(acheteur=instance, objet="Marché réel des routes", date_notification=datetime.date(2025, 4, 1),
                           forme_prix="Forfaitaire", types_prix=["Définitif ferme"])
    AttributionFactory(marche=marche, entreprise=EntrepriseFactory(nom="Routes du Sud"))
    MarcheFactory(acheteur=instance, objet="Marché en préparation zorglub", date_notification=None,
                  forme_prix="Forfaitaire", types_prix=["Définitif ferme"])
    autre_acheteur = OrganisationFactory(nom="Acheteur hors schéma")
    MarcheFactory(acheteur=autre_acheteur, objet="Marché d'un autre acheteur zorglub",
                  date_notification=datetime.date(2025, 4, 1))
    for nom, prenom in (("Zébulonovitch", "Anastasie"), ("Quetzalcoatlès", "Barthélémy")):
        identite = IdentiteParticipantFactory(nom=nom, prenom=prenom, telephone="06 99 88 77 66",
                                              email=f"{prenom.lower()}@perso.invalid", adresse="12 rue Secrète")
        HeuresMensuellesFactory(marche=marche, participant=identite.participant, mois=datetime.date(2025, 5, 1))
    return {"instance": instance, "spaser": spaser, "autre_acheteur": autre_acheteur}


def test_public_pages_answer_without_login(client, scene, monkeypatch):
    texts = public_texts(client, monkeypatch)
    home = texts[reverse("spaser:public_home")]
    assert "Schéma public des Landes" in home and "Indicateur visible" in home and "Action visible" in home
    assert "PCET visible" in home
    assert "Achat publié des collèges" in texts[reverse("spaser:public_programmation")]
    assert "Schéma public des Landes" in texts[reverse("spaser:public_pdf")]
    decp = json.loads(texts[reverse("spaser:public_decp")])
    assert [m["objet"] for m in decp["marches"]["marche"]] == ["Marché réel des routes"]
    # Only buyers the published scheme covers; a year filter is accepted.
    url = reverse("spaser:public_decp")
    assert client.get(url, {"acheteur": scene["autre_acheteur"].siret}).status_code == 404
    assert json.loads(client.get(url, {"annee": "2024"}).getvalue())["marches"]["marche"] == []


def test_unpublished_content_never_appears_on_the_public_site(client, scene, monkeypatch):
    texts = public_texts(client, monkeypatch)
    for url, text in texts.items():
        assert "zorglub" not in text, url


def test_public_site_exposes_no_personal_data(client, scene, monkeypatch):
    texts = public_texts(client, monkeypatch)
    for url, text in texts.items():
        for secret in ("Zébulonovitch", "Quetzalcoatlès", "Anastasie", "Barthélémy", "06 99 88 77 66",
                       "perso.invalid", "Rue Secrète".lower()):
            assert secret not in text and secret not in text.lower(), (url, secret)
        # No participant code and no internal user either.
        assert "P0000" not in text, url


def test_nothing_public_without_a_published_scheme_in_force(client, db, monkeypatch):
    instance = OrganisationFactory(instance=True)
    SpaserFactory(acheteurs=[instance], titre="Adopté mais pas publié zorglub", statut=StatutSpaser.EN_VIGUEUR,
                  date_adoption=datetime.date(2024, 1, 1), published=False)
    html = client.get(reverse("spaser:public_home")).content.decode()
    assert "zorglub" not in html and "pas encore publié" in html
    assert client.get(reverse("spaser:public_indicateurs_json")).status_code == 404
    assert client.get(reverse("spaser:public_pdf")).status_code == 404


def test_public_indicators_in_number_and_in_value_as_csv_and_json(client, scene):
    data = json.loads(client.get(reverse("spaser:public_indicateurs_json")).content)
    assert data["date"] and data["schema"]["titre"] == "Schéma public des Landes"
    annee_2025 = next(a for a in data["acheteurs"][0]["annees"] if a["annee"] == 2025)
    cles = {item["cle"] for item in annee_2025["obligations_legales"]}
    assert {"part_marches_consideration_sociale_nombre", "part_marches_consideration_sociale_montant",
            "part_marches_consideration_environnementale_nombre",
            "part_marches_consideration_environnementale_montant"} <= cles
    assert [i["libelle"] for i in annee_2025["indicateurs"]] == ["Indicateur visible"]
    assert annee_2025["indicateurs"][0]["cible"] == 0.3
    csv_text = client.get(reverse("spaser:public_indicateurs_csv")).content.decode("utf-8-sig")
    header = csv_text.splitlines()[0].split(";")
    assert header[:3] == ["siret_acheteur", "acheteur", "annee"]
    assert "Indicateur visible" in csv_text


def test_forecast_filters_and_exports(client, db):
    from tests.clauses.factories import FamilleAchatFactory

    instance = OrganisationFactory(instance=True)
    travaux = FamilleAchatFactory(nom="Travaux de bâtiment")
    nettoyage = FamilleAchatFactory(nom="Nettoyage")
    ProgrammationFactory(acheteur=instance, objet="Réhabilitation du collège de Tartas", famille=travaux,
                         montant_estime_ht=Decimal("2500000"), annee=PROCHAINE, trimestre=1, types_clauses=["insertion"])
    ProgrammationFactory(acheteur=instance, objet="Nettoyage des bâtiments", famille=nettoyage,
                         montant_estime_ht=Decimal("180000"), annee=PROCHAINE, trimestre=2)
    ProgrammationFactory(acheteur=instance, objet="Fournitures de bureau", montant_estime_ht=None, annee=PROCHAINE,
                         trimestre=3)
    url = reverse("spaser:public_programmation")

    def objets(params):
        html = client.get(url, params).content.decode()
        return {o for o in ("Tartas", "Nettoyage des bâtiments", "Fournitures de bureau") if o in html}

    assert objets({}) == {"Tartas", "Nettoyage des bâtiments", "Fournitures de bureau"}
    assert objets({"famille": travaux.pk}) == {"Tartas"}
    assert objets({"trimestre": f"{PROCHAINE}-T2"}) == {"Nettoyage des bâtiments"}
    assert objets({"montant_min": "1 000 000"}) == {"Tartas"}
    assert objets({"montant_max": "200000"}) == {"Nettoyage des bâtiments"}
    assert objets({"q": "collège"}) == {"Tartas"}
    # Garbage never breaks the page: it is ignored.
    assert objets({"famille": "x", "trimestre": "T9", "montant_min": "abc", "montant_max": "1e999999"}) == {
        "Tartas", "Nettoyage des bâtiments", "Fournitures de bureau"}
    csv_text = b"".join(client.get(reverse("spaser:public_programmation_csv"), {"famille": travaux.pk})
                        .streaming_content).decode("utf-8-sig")
    assert "Tartas" in csv_text and "Nettoyage des bâtiments" not in csv_text
    assert "2\u202f500\u202f000,00" in csv_text
    xlsx = client.get(reverse("spaser:public_programmation_xlsx"), {"q": "Nettoyage"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "Nettoyage des bâtiments" and rows[1][4] == 180000
    assert zipfile.is_zipfile(io.BytesIO(xlsx.content))


def test_rss_feed_lists_newest_published_entries(client, db):
    instance = OrganisationFactory(instance=True)
    ProgrammationFactory(acheteur=instance, objet="Nouveau marché de voirie")
    ProgrammationFactory(acheteur=instance, objet="Brouillon zorglub", published=False)
    response = client.get(reverse("spaser:public_programmation_rss"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "Nouveau marché de voirie" in body and "zorglub" not in body


def test_public_pdf_is_a_real_pdf(client, scene):
    from pypdf import PdfReader

    response = client.get(reverse("spaser:public_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # The scheme in force, its buyer, its published structure, targets in French format, linked documents...
    for expected in ("Schéma public des Landes", "adopté le 15/03/2024", "Délibération n° 2024-01",
                     "Département des Landes", "Axe social visible", "Objectif visible", "Indicateur visible",
                     "30,0\xa0%", "Action visible", "PCET visible"):
        assert expected in text, expected
    assert text.index("Axe social visible") < text.index("Objectif visible") < text.index("Indicateur visible")
    # ...and nothing unpublished, no draft scheme, nobody's identity.
    for hidden in ("zorglub", "Brouillon", "Zébulonovitch", "Quetzalcoatlès", "Routes du Sud"):
        assert hidden not in text, hidden


def test_forecast_entries_of_a_past_quarter_are_no_longer_upcoming(client, db):
    import datetime as dt

    from spaser.selectors import programmation_publique

    instance = OrganisationFactory(instance=True)
    ProgrammationFactory(acheteur=instance, objet="Lancé en 2020", annee=2020, trimestre=1)
    ProgrammationFactory(acheteur=instance, objet="Ce trimestre", annee=2026, trimestre=4)
    ProgrammationFactory(acheteur=instance, objet="L'an prochain", annee=PROCHAINE, trimestre=1)
    objets = {p.objet for p in programmation_publique(aujourd_hui=dt.date(2026, 11, 26))}
    assert objets == {"Ce trimestre", "L'an prochain"}
    assert "Lancé en 2020" not in client.get(reverse("spaser:public_programmation")).content.decode()


def test_open_data_page_lists_a_decp_file_per_year(client, scene):
    html = client.get(reverse("spaser:public_donnees")).content.decode()
    siret = scene["instance"].siret
    assert f"?acheteur={siret}&amp;annee=2025" in html
