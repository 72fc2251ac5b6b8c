"""A worker killed while it builds a bilan: the job is redelivered and completes once, with no duplicate.

Real Celery workers on Redis (acks late: a message is acknowledged when the task ends; a message left
unacknowledged by a dead worker is given back after the broker's visibility timeout, here 3 s). The first
worker is told (TACHE_PAUSE_TEST, test settings only) to wait after the job's writes and before its commit:
the test kills it there with SIGKILL, as an out-of-memory kill would."""

import os
import time

import pytest
from django.db import connection

from bilans.models import Bilan
from bilans.services import bilan_demander
from core.models import Tache
from tests.core.factories import OrganisationFactory, UserFactory

VISIBILITY_TIMEOUT = 3
pytestmark = pytest.mark.worker


@pytest.fixture(autouse=True)
def _redis_required():
    if not os.environ.get("REDIS_URL"):
        pytest.skip(
            "Ce test de panne demande Redis (REDIS_URL) : le transport « fichiers » de kombu, utilisé "
            "sans Redis, ne redonne pas un message non acquitté par un worker tué."
        )


@pytest.fixture
def media(settings, tmp_path):
    """The workers and this process share a media folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "worker-media"
    return settings.MEDIA_ROOT


def _pdfs(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*.pdf"))


def _env(media, **extra):
    return {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), "WORKER_MEDIA_ROOT": str(media), **extra}


def _ask_bilan():
    instance = OrganisationFactory(instance=True)
    dcp = UserFactory(role="dcp", organisation=instance)
    return bilan_demander(user=dcp, acheteur=instance, annee=2025)


def _wait_visibility_timeout(tache):
    """The broker gives an unacknowledged message back once it has been out longer than the timeout."""
    tache.refresh_from_db()
    time.sleep(max(0.0, tache.started_at.timestamp() + VISIBILITY_TIMEOUT + 1 - time.time()))


def test_worker_killed_mid_bilan_the_job_is_redelivered_and_done_once(celery_worker_factory, media):
    first = celery_worker_factory(env=_env(media, TACHE_PAUSE_TEST="60"))
    bilan = _ask_bilan()
    tache = bilan.tache

    # The job is running and has written its PDF, not yet committed: kill the worker there.
    first.wait_for(
        lambda: Tache.objects.get(pk=tache.pk).etat == Tache.Etat.EN_COURS and _pdfs(media), timeout=90
    )
    first.kill()
    tache.refresh_from_db()
    bilan.refresh_from_db()
    assert tache.etat == Tache.Etat.EN_COURS and tache.tentatives == 1
    assert not bilan.fichier  # the killed attempt's writes were rolled back

    _wait_visibility_timeout(tache)
    second = celery_worker_factory(env=_env(media))

    second.wait_for(lambda: Tache.objects.get(pk=tache.pk).est_finie, timeout=120)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.TERMINEE, tache.message
    assert tache.tentatives == 2  # the killed attempt, then the one that succeeded
    assert tache.message == "" and tache.finished_at
    assert Bilan.objects.filter(acheteur=bilan.acheteur, annee=2025).count() == 1
    assert Tache.objects.filter(type="bilan_annuel").count() == 1
    bilan.refresh_from_db()
    assert bilan.fichier and bilan.generated_at
    assert tache.resultat["bilan_id"] == bilan.pk
    # One PDF on disk: the one the bilan points to (the killed attempt's file did not stay behind).
    assert _pdfs(media) == [bilan.fichier.name]
    assert bilan.fichier.read().startswith(b"%PDF")
    # The job was taken up again once: by the broker's redelivery, or by the second worker's own requeue at its
    # start (core.jobs.taches_bloquees_reprendre); when both happen, the later delivery finds the job done.
    assert second.log().count("Reprise de la tâche") == 1
    assert second.log().count("succeeded") >= 1


def test_duplicate_delivery_while_the_job_runs_waits_and_does_not_run_it_again(celery_worker_factory, media):
    """A job longer than the visibility timeout: the broker gives its message to a second worker while the
    first still runs it. The second waits on the job's row lock, finds it done, and stops."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Le verrou de ligne (SELECT … FOR UPDATE) qui sérialise les deux livraisons demande PostgreSQL."
        )
    first = celery_worker_factory(env=_env(media, TACHE_PAUSE_TEST="30"))  # long enough for a second worker to start under load
    bilan = _ask_bilan()
    tache = bilan.tache
    first.wait_for(
        lambda: Tache.objects.get(pk=tache.pk).etat == Tache.Etat.EN_COURS and _pdfs(media), timeout=90
    )

    _wait_visibility_timeout(tache)
    second = celery_worker_factory(env=_env(media))
    second.wait_for(lambda: "run_tache" in second.log() and "received" in second.log(), timeout=60)

    first.wait_for(lambda: "succeeded" in first.log(), timeout=60)
    second.wait_for(lambda: "succeeded" in second.log(), timeout=60)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.TERMINEE, tache.message
    assert tache.tentatives == 1  # the duplicate delivery did not start the job again
    bilan.refresh_from_db()
    assert _pdfs(media) == [bilan.fichier.name]
    assert "Reprise de la tâche" not in second.log()
