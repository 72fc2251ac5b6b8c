"""A running job's progress (core.jobs.progression_noter / progression_lire): kept in the cache per job, its
percentage bounded, and never a failure of the job or of the page when the cache is out of service."""

import pytest

from core import jobs
from core.models import Tache

pytestmark = pytest.mark.django_db


@pytest.fixture
def taches():
    taches = Tache.objects.create(type="import_marches"), Tache.objects.create(type="import_marches")
    # The cache outlives the test database: a job of an earlier test with the same id (SQLite gives ids again after
    # a rollback) may have left its progress there.
    jobs.cache.delete_many([jobs._progression_cle(tache.pk) for tache in taches])
    return taches


def test_the_progress_noted_is_read_back_for_its_job_only(taches):
    une, autre = taches
    assert jobs.progression_lire(une) is None
    jobs.progression_noter(une, fait=12, total=30, etape="Enregistrement des lignes", erreurs=[{"ligne": 6}])
    assert jobs.progression_lire(une) == {"fait": 12, "total": 30, "pourcent": 40,
                                          "etape": "Enregistrement des lignes", "erreurs": [{"ligne": 6}]}
    assert jobs.progression_lire(autre) is None
    jobs.progression_noter(une, fait=1, total=1, etape="Fin")  # the last one replaces the former
    assert jobs.progression_lire(une) == {"fait": 1, "total": 1, "pourcent": 100, "etape": "Fin"}


@pytest.mark.parametrize(("fait", "total", "pourcent"), [(0, 0, 0), (5, 0, 0), (0, 7, 0), (2, 3, 66), (9, 3, 100)])
def test_the_percentage_is_whole_and_between_0_and_100(taches, fait, total, pourcent):
    jobs.progression_noter(taches[0], fait=fait, total=total)
    assert jobs.progression_lire(taches[0])["pourcent"] == pourcent


def test_a_cache_out_of_service_fails_neither_the_job_nor_the_page(taches, monkeypatch):
    def panne(*args, **kwargs):
        raise ConnectionError("Redis indisponible")

    monkeypatch.setattr(jobs.cache, "set", panne)
    monkeypatch.setattr(jobs.cache, "get", panne)
    jobs.progression_noter(taches[0], fait=1, total=2, etape="Contrats")  # no exception
    assert jobs.progression_lire(taches[0]) is None
