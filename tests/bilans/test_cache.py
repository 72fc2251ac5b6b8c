"""Dashboard figures are cached until the data change: any save, any write request, any background task moves
the data version (core/donnees.py), and the next dashboard shows the new figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bilans import selectors
from core.donnees import donnees_version
from core.enums import Role
from facilitateurs.models import HeuresMensuelles
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


def _heures(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["data"].heures_realisees


def test_second_view_is_served_from_the_cache_until_a_save(client, jeu, calculs):
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    url = reverse("bilans:dashboard") + "?annee=2025"
    before = _heures(client, url)
    assert _heures(client, url) == before and len(calls := calculs) == 1
    other_year = _heures(client, reverse("bilans:dashboard") + "?annee=2024")
    assert len(calls) == 2 and other_year != before  # other parameters, other entry

    ligne = HeuresMensuelles.objects.filter(marche__acheteur=jeu.instance, mois__year=2025,
                                            modalite="EMBAUCHE_DIRECTE").first()
    ligne.heures += Decimal("10")
    ligne.save()  # a signal moves the data version
    assert _heures(client, url) == before + Decimal("10") and len(calls) == 3


def test_bulk_writes_through_a_request_or_a_task_invalidate(client, jeu, calculs):
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    url = reverse("bilans:dashboard") + "?annee=2025"
    before = _heures(client, url)
    modele = HeuresMensuelles.objects.filter(marche__acheteur=jeu.instance, mois__year=2025).first()
    # bulk_create sends no signal: the figure stays cached...
    HeuresMensuelles.objects.bulk_create([HeuresMensuelles(
        marche=modele.marche, participant=modele.participant, entreprise=modele.entreprise,
        mois=datetime.date(2025, 11, 1), modalite="EMBAUCHE_DIRECTE", type_contrat="CDD", heures=Decimal("7"))])
    assert _heures(client, url) == before
    # ...until a write request succeeds (imports write in bulk inside one),
    version = donnees_version()
    assert client.post(reverse("logout")).status_code == 302
    assert donnees_version() > version
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    assert _heures(client, url) == before + Decimal("7")
    # ...or a background task ends.
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


def test_the_bilan_job_reads_its_figures_once_for_the_pdf_and_the_stored_key_figures(jeu, calculs, settings,
                                                                                       monkeypatch):
    """Even when the cache keeps nothing (the data changed while the PDF was drawn, the cache was emptied), the key
    figures the homes show are those printed in the PDF: one computation serves both."""
    from bilans import pdf, services
    from bilans.models import Bilan

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    rendus = []
    monkeypatch.setattr(pdf, "pdf_accessible", lambda html, **kwargs: rendus.append(html) or b"%PDF-1.7 test")
    bilan = Bilan.objects.create(acheteur=jeu.instance, annee=2025)
    services.bilan_generer(bilan=bilan)
    assert len(calculs) == 1
    [html] = rendus
    assert bilan.chiffres and all(chiffre["valeur"] in html for chiffre in bilan.chiffres)
