import pytest

from config.celery import app
from core.jobs import REGISTRY, job_enqueue, job_run
from core.models import Tache
from tests.core.factories import UserFactory


@pytest.mark.django_db
def test_job_runs_once_and_records_its_state(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        tache = job_enqueue(type="verification_worker", user=user)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.TERMINEE
    assert tache.tentatives == 1
    assert tache.resultat["hote"]
    job_run(tache.pk)  # a redelivered message does not run a finished job again
    tache.refresh_from_db()
    assert tache.tentatives == 1


@pytest.mark.django_db
def test_failed_job_shows_the_reason(monkeypatch):
    def broken(tache):
        raise ValueError("fichier illisible")

    monkeypatch.setitem(REGISTRY, "cassee", broken)
    tache = Tache.objects.create(type="cassee")
    job_run(tache.pk)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.ECHEC
    assert "fichier illisible" in tache.message


@pytest.mark.django_db
def test_unknown_job_type_is_refused():
    with pytest.raises(ValueError):
        job_enqueue(type="inexistante")


@pytest.mark.worker
def test_a_real_worker_runs_a_queued_job(celery_worker_process):
    tache = Tache.objects.create(type="verification_worker")
    app.send_task("core.tasks.run_tache", args=[tache.pk], queue=celery_worker_process.queue)

    def done():
        tache.refresh_from_db()
        return tache.etat == Tache.Etat.TERMINEE

    celery_worker_process.wait_for(done, timeout=90)
    assert tache.resultat["hote"]
    assert "run_tache" in celery_worker_process.log()
