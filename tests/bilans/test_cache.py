"""Dashboard figures are stored until the data change: any save, any write request, any background task (but the
figures' own job) moves the data version (core/donnees.py); the next dashboard shows the previous figures while a
job recomputes them, then the new ones."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bilans import selectors
from core.donnees import donnees_version
from core.enums import Role
from facilitateurs.models import HeuresMensuelles
from tests.bilans.helpers import chiffres_calculer, page_chiffres
from tests.core.factories import UserFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory


@pytest.fixture
def calculs(monkeypatch):
    """Counts the computations of the indicators behind the cache."""
    calls = []
    real = selectors.indicateurs_annuels

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "indicateurs_annuels", counting)
    return calls


def _servies(client, url):
    """The hours the page shows now (None: none yet), and the state of its figures."""
    response = client.get(url)
    assert response.status_code == 200
    data = response.context["data"]
    return (data.heures_realisees if data is not None else None), response.context["etat"]


def _apres_calcul(client, url):
    """The hours the page shows once the jobs it queued have run: current figures."""
    response = page_chiffres(client, url)
    assert response.status_code == 200 and response.context["etat"].a_jour
    return response.context["data"].heures_realisees


def test_figures_are_computed_once_by_the_job_and_served_until_a_save(client, jeu, calculs):
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    url = reverse("bilans:dashboard") + "?annee=2025"
    before = _apres_calcul(client, url)
    assert len(calculs) == 1
    assert _servies(client, url)[0] == before and len(calculs) == 1 and chiffres_calculer() == 0
    other_year = _apres_calcul(client, reverse("bilans:dashboard") + "?annee=2024")
    assert len(calculs) == 2 and other_year != before  # other parameters, other figures

    ligne = HeuresMensuelles.objects.filter(marche__acheteur=jeu.instance, mois__year=2025,
                                            modalite="EMBAUCHE_DIRECTE").first()
    ligne.heures += Decimal("10")
    ligne.save()  # a signal moves the data version
    heures, etat = _servies(client, url)
    assert heures == before and not etat.a_jour and len(calculs) == 2  # the previous figures, nothing computed
    assert _apres_calcul(client, url) == before + Decimal("10") and len(calculs) == 3


def test_bulk_writes_through_a_request_or_a_task_invalidate(client, jeu, calculs):
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    url = reverse("bilans:dashboard") + "?annee=2025"
    before = _apres_calcul(client, url)
    modele = HeuresMensuelles.objects.filter(marche__acheteur=jeu.instance, mois__year=2025).first()
    # bulk_create sends no signal: the figures stay current...
    HeuresMensuelles.objects.bulk_create([HeuresMensuelles(
        marche=modele.marche, participant=modele.participant, entreprise=modele.entreprise,
        mois=datetime.date(2025, 11, 1), modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", heures=Decimal("7"))])
    heures, etat = _servies(client, url)
    assert heures == before and etat.a_jour
    # ...until a write request succeeds (imports write in bulk inside one),
    version = donnees_version()
    admin = UserFactory(role=Role.ADMIN)
    client.force_login(admin)
    assert client.post(reverse("core:verifier_worker")).status_code == 302
    assert donnees_version() > version
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    assert _apres_calcul(client, url) == before + Decimal("7")
    # ...or a background task ends (not the figures' own job: it only reads, core.donnees.TACHES_LECTURE_SEULE).
    from core.tasks import run_tache

    version = donnees_version()
    run_tache.apply(args=[0])
    assert donnees_version() > version


def test_version_moves_again_after_the_commit(django_capture_on_commit_callbacks, db):
    """A figure computed from data read before a commit must not outlive it: the version moves at the save and
    again once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        start = donnees_version()
        HeuresMensuellesFactory()
        during = donnees_version()
    assert during > start and callbacks and donnees_version() > during


def test_the_bilan_job_reads_its_figures_once_for_the_pdf_and_the_stored_key_figures(jeu, calculs, monkeypatch):
    """The key figures the homes show are those printed in the PDF, even when the data change while the PDF is
    drawn: one computation serves both."""
    from bilans import pdf, services
    from bilans.models import Bilan

    rendus = []
    monkeypatch.setattr(pdf, "pdf_accessible", lambda html, **kwargs: rendus.append(html) or b"%PDF-1.7 test")
    bilan = Bilan.objects.create(acheteur=jeu.instance, annee=2025)
    services.bilan_generer(bilan=bilan)
    assert len(calculs) == 1
    [html] = rendus
    assert bilan.chiffres and all(chiffre["valeur"] in html for chiffre in bilan.chiffres)
