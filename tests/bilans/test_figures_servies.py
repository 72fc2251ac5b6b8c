"""No request computes an aggregate over the hours table (issue 17): the pages serve the figures a job computed and
stored (bilans.figures). Empty store: the page says the figures are being computed and queues one job; after the
job: the figures; after a data change: the previous figures with their date while one job recomputes them."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bilans import figures, selectors
from bilans.models import FiguresCalculees
from bilans.resultats import to_jsonable
from core.enums import Role
from core.models import Tache
from facilitateurs.models import HeuresMensuelles
from tests.bilans.helpers import chiffres_calculer, normalise, page_chiffres
from tests.core.factories import UserFactory
from tests.spaser.factories import IndicateurFactory, SpaserFactory

HEURES = "facilitateurs_heuresmensuelles"
DASHBOARD = reverse("bilans:dashboard") + "?annee=2025"


def _taches():
    return Tache.objects.filter(type=figures.JOB_TYPE)


def _get_sans_heures(client, url):
    """GET, asserting that no query of the request reads the hours table."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    lues = [q["sql"] for q in ctx.captured_queries if HEURES in q["sql"]]
    assert not lues, f"{url} read the hours table in the request: {lues[0][:300]}"
    assert response.status_code == 200
    return response


@pytest.fixture
def dcp(client, jeu):
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    return client


def test_an_empty_store_queues_one_job_and_reads_no_hours(dcp, jeu):
    response = _get_sans_heures(dcp, DASHBOARD)
    html = normalise(response.content.decode())
    assert response.context["data"] is None
    assert "Calcul des chiffres en cours" in html
    assert 'data-testid="kpis"' not in html and "<canvas" not in html  # no empty figures, no empty charts
    assert _taches().count() == 1
    _get_sans_heures(dcp, DASHBOARD)
    assert _taches().count() == 1  # two requests, still one job
    [tache] = _taches()
    assert tache.etat == Tache.Etat.EN_ATTENTE
    # The page follows that job: its state, without any figure.
    ligne = FiguresCalculees.objects.get()
    assert f'data-url="{reverse("bilans:figures_etat", args=[ligne.pk])}"' in html
    etat = dcp.get(reverse("bilans:figures_etat", args=[ligne.pk])).json()
    assert etat["etat"] == "en_attente" and etat["calcule_le"] == ""
    # The export waits for the figures too: said in French, no empty file, no hours read.
    export = _get_sans_heures(dcp, reverse("bilans:export") + "?annee=2025")
    assert export["Content-Type"].startswith("text/html")
    assert "en cours de calcul" in export.content.decode()


def test_after_the_job_the_page_shows_the_figures_and_queues_nothing(dcp, jeu):
    _get_sans_heures(dcp, DASHBOARD)
    assert chiffres_calculer() == 1
    assert _taches().get().etat == Tache.Etat.TERMINEE
    response = _get_sans_heures(dcp, DASHBOARD)
    assert response.context["data"].heures_realisees == Decimal("380")
    assert response.context["etat"].a_jour
    html = response.content.decode()
    assert 'data-testid="kpis"' in html and 'data-testid="figures-etat"' not in html
    assert _taches().count() == 1  # the job's own writes did not make its figures stale
    etat = dcp.get(reverse("bilans:figures_etat", args=[FiguresCalculees.objects.get().pk])).json()
    assert etat["etat"] == "terminee" and etat["calcule_le"]


def test_after_a_change_the_previous_figures_are_served_with_their_date_then_the_new_ones(dcp, jeu):
    page_chiffres(dcp, DASHBOARD)
    ligne = HeuresMensuelles.objects.filter(marche__acheteur=jeu.instance, mois__year=2025,
                                            modalite="EMBAUCHE_DIRECTE").first()
    ligne.heures += Decimal("10")
    ligne.save()

    response = _get_sans_heures(dcp, DASHBOARD)
    assert response.context["data"].heures_realisees == Decimal("380")  # the previous figures, at once
    etat = response.context["etat"]
    assert not etat.a_jour and etat.en_calcul
    html = normalise(response.content.decode())
    texte = re.sub(r"<[^>]+>", "", html)
    date = re.search(r"Chiffres du (\d\d/\d\d/\d{4} à \d\d:\d\d) — mise à jour en cours", texte)
    assert date, "the page dates the previous figures and says they are being updated"
    assert date.group(1) == timezone.localtime(etat.calcule_le).strftime("%d/%m/%Y à %H:%M")
    assert 'data-testid="kpis"' in html
    _get_sans_heures(dcp, DASHBOARD)
    assert _taches().filter(etat=Tache.Etat.EN_ATTENTE).count() == 1  # one recompute, however many visits

    assert chiffres_calculer() == 1
    response = _get_sans_heures(dcp, DASHBOARD)
    assert response.context["data"].heures_realisees == Decimal("390") and response.context["etat"].a_jour
    assert "mise à jour en cours" not in response.content.decode()


@pytest.mark.parametrize("perimetre", [
    {"annee": 2025},
    {"annee": 2024, "details": False},
    {"annee": 2025, "limite": 500},
    {"annee": 2025, "depuis": 2025},
    {"annee": 2025, "convention": "convention"},
    {"annee": 2025, "direction": "direction"},
    {"annee": 2025, "famille": "f2"},
])
def test_the_job_stores_the_figures_of_the_engine(jeu, perimetre):
    perimetre = {k: getattr(jeu, v) if isinstance(v, str) else v for k, v in perimetre.items()}
    if "convention" not in perimetre:
        perimetre["acheteur"] = jeu.instance
    data, etat = figures.indicateurs_servis(**perimetre)
    assert data is None and not etat.disponibles
    chiffres_calculer()
    servies, etat = figures.indicateurs_servis(**perimetre)
    assert etat.a_jour
    assert to_jsonable(servies) == to_jsonable(selectors.indicateurs_annuels(**perimetre))


def test_figures_computed_while_the_data_changed_are_not_current(dcp, jeu, monkeypatch):
    """Stored under the data version read before computing: a change during the computation leaves them stale."""
    vraie = selectors.indicateurs_annuels

    def pendant_une_saisie(**parametres):
        data = vraie(**parametres)
        ligne = HeuresMensuelles.objects.filter(marche__acheteur=jeu.instance, mois__year=2025).first()
        ligne.heures += Decimal("1")
        ligne.save()  # written while the figures were computed
        return data

    monkeypatch.setattr(selectors, "indicateurs_annuels", pendant_une_saisie)
    _get_sans_heures(dcp, DASHBOARD)
    chiffres_calculer()
    response = _get_sans_heures(dcp, DASHBOARD)
    assert response.context["data"] is not None and not response.context["etat"].a_jour
    assert _taches().filter(etat=Tache.Etat.EN_ATTENTE).count() == 1  # recomputed


def test_spaser_pages_and_the_elu_home_read_no_hours(client, jeu):
    """The SPASER index (the yearly purchases' volume), evaluation and public indicators, and the élu's home: stored
    figures too."""
    spaser = SpaserFactory(en_vigueur=True, annee_debut=2024, annee_fin=2026, acheteurs=[jeu.instance])
    IndicateurFactory(objectif__axe__spaser=spaser, libelle="Part des marchés à clause sociale")
    public = normalise(_get_sans_heures(client, reverse("spaser:public_indicateurs")).content.decode())
    assert "Certains chiffres sont en cours de calcul" in public  # anonymous: said, no figure computed
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    index = normalise(_get_sans_heures(client, reverse("spaser:index")).content.decode())
    assert "en cours de calcul" in index and "Calcul des chiffres en cours" in index
    evaluation = _get_sans_heures(client, reverse("spaser:evaluation", args=[spaser.pk]) + "?annee=2025")
    assert "Calcul des chiffres en cours" in evaluation.content.decode()
    chiffres_calculer()
    index = normalise(_get_sans_heures(client, reverse("spaser:index")).content.decode())
    assert "en cours de calcul" not in index and "Calcul des chiffres en cours" not in index
    # The volume is the engine's notified amount of the year: 200 000 € in 2025 (see `jeu`).
    assert "200 000 €" in index
    evaluation = _get_sans_heures(client, reverse("spaser:evaluation", args=[spaser.pk]) + "?annee=2025")
    assert evaluation.context["obligation"]["volume"] == Decimal("200000.00")
    assert evaluation.context["etat"] is None  # every figure current
    client.logout()
    public = normalise(_get_sans_heures(client, reverse("spaser:public_indicateurs")).content.decode())
    assert "en cours de calcul" not in public and "200 000 €" in public
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))

    client.force_login(UserFactory(role=Role.ELU, organisation=jeu.instance))
    _get_sans_heures(client, reverse("core:home"))


def test_a_scope_is_keyed_by_every_engine_parameter_and_a_bad_one_queues_nothing(jeu):
    """The stored figures' key names every parameter of indicateurs_annuels with its default, objects by primary key:
    the same scope written two ways is one row; an unknown or missing parameter is refused as the engine would."""
    court = figures.perimetre_normaliser(acheteur=jeu.instance, annee=2025)
    assert court == figures.perimetre_normaliser(acheteur=jeu.instance.pk, annee="2025", details=True,
                                                 limite=selectors.LIMITE_LISTES, depuis="")
    assert court == {"acheteur": jeu.instance.pk, "annee": 2025, "convention": None, "depuis": None, "details": True,
                     "direction": None, "famille": None, "limite": selectors.LIMITE_LISTES}
    for mauvais in ({"acheteur": jeu.instance}, {"annee": 2025, "inconnu": 1}):
        with pytest.raises(TypeError):
            figures.indicateurs_servis(**mauvais)
    assert not FiguresCalculees.objects.exists() and not _taches().exists()
