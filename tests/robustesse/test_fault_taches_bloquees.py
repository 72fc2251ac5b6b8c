"""A job left "en cours" by a dead worker is never left stuck: when a worker starts (and periodically, by Celery
beat), such a job is queued again once, then failed with a clear French message; the pages flag a job running
suspiciously long.

The real-worker tests run on whichever broker the suite has (Redis, or kombu's file transport of `make run`, which
loses the message of a killed worker): the job completes because the next worker requeues it, not because the
broker gives its message back (the Redis visibility timeout stays at its default hour here)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bilans.models import Bilan
from bilans.services import bilan_demander
from core.jobs import MESSAGE_ABANDON, taches_bloquees_reprendre
from core.models import Tache
from tests.core.factories import OrganisationFactory, UserFactory


def _tache(*, tentatives=1, depuis=datetime.timedelta(hours=2), user=None):
    return Tache.objects.create(type="verification_worker", etat=Tache.Etat.EN_COURS, tentatives=tentatives,
                                started_at=timezone.now() - depuis, demandee_par=user)


@pytest.mark.django_db
def test_an_orphan_job_is_queued_again_once_then_failed(django_capture_on_commit_callbacks, settings):
    settings.TACHE_REPRISE_DELAI_SECONDES = 60
    settings.TACHE_DUREE_MAX_SECONDES = 3600
    une_fois, deux_fois = _tache(tentatives=1), _tache(tentatives=2)
    recente = _tache(tentatives=1, depuis=datetime.timedelta(seconds=5))  # its worker may still be claiming it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resultat = taches_bloquees_reprendre()
    assert resultat == {"relancees": [une_fois.pk], "abandonnees": [deux_fois.pk]}
    envois = [c for c in callbacks if "taches_bloquees_reprendre" in c.__qualname__]
    assert len(envois) == 1  # one message sent again, for the first
    une_fois.refresh_from_db()
    assert une_fois.etat == Tache.Etat.EN_ATTENTE and "interrompu" in une_fois.message
    deux_fois.refresh_from_db()
    assert deux_fois.etat == Tache.Etat.ECHEC and deux_fois.finished_at
    assert deux_fois.message == MESSAGE_ABANDON.format(n=2) and "Demandez-le à nouveau" in deux_fois.message
    recente.refresh_from_db()
    assert recente.etat == Tache.Etat.EN_COURS


@pytest.mark.django_db
def test_a_failed_job_is_final_even_if_its_message_comes_back():
    from core.jobs import job_run

    tache = Tache.objects.create(type="verification_worker", etat=Tache.Etat.ECHEC, message="abandonnée",
                                 tentatives=2)
    job_run(tache.pk)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.ECHEC and tache.tentatives == 2


@pytest.mark.django_db
def test_the_pages_flag_a_job_running_suspiciously_long(client, settings):
    settings.TACHE_DUREE_SUSPECTE_SECONDES = 900
    instance = OrganisationFactory(instance=True)
    dcp = UserFactory(role="dcp", organisation=instance)
    client.force_login(dcp)
    longue = _tache(depuis=datetime.timedelta(minutes=20), user=dcp)
    normale = _tache(depuis=datetime.timedelta(minutes=2), user=dcp)
    page = client.get(reverse("core:taches")).content.decode()
    assert page.count("data-bloquee") == 1 and "anormalement long" in page
    assert client.get(reverse("core:tache_detail", kwargs={"pk": longue.pk})).json()["semble_bloquee"] is True
    assert client.get(reverse("core:tache_detail", kwargs={"pk": normale.pk})).json()["semble_bloquee"] is False
    bilan = Bilan.objects.create(acheteur=instance, annee=2025, tache=longue, demande_par=dcp)
    page = client.get(reverse("bilans:bilan_detail", kwargs={"pk": bilan.pk})).content.decode()
    assert "anormalement long" in page


# --- Real workers, killed mid-job -------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "worker-media"
    return settings.MEDIA_ROOT


def _pdfs(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*.pdf"))


def _env(media, **extra):
    # The broker's own redelivery stays at its default hour: only the requeue at the worker's start can help.
    return {"WORKER_MEDIA_ROOT": str(media), "TACHE_REPRISE_DELAI_SECONDES": "0", **extra}


def _tuer_en_plein_travail(worker, tache, media, tentatives):
    worker.wait_for(lambda: Tache.objects.filter(pk=tache.pk, etat=Tache.Etat.EN_COURS,
                                                 tentatives=tentatives).exists() and _pdfs(media), timeout=120)
    worker.kill()


@pytest.mark.worker
def test_a_worker_killed_mid_bilan_the_next_worker_requeues_the_job_and_it_completes(celery_worker_factory, media):
    instance = OrganisationFactory(instance=True)
    bilan = bilan_demander(user=UserFactory(role="dcp", organisation=instance), acheteur=instance, annee=2025)
    tache = bilan.tache
    _tuer_en_plein_travail(celery_worker_factory(env=_env(media, TACHE_PAUSE_TEST="120")), tache, media, 1)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.EN_COURS  # stuck: nobody runs it any more

    second = celery_worker_factory(env=_env(media))
    second.wait_for(lambda: Tache.objects.get(pk=tache.pk).est_finie, timeout=180)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.TERMINEE, tache.message
    assert tache.tentatives == 2 and tache.message == ""
    assert "remise en file" in second.log()
    bilan.refresh_from_db()
    assert bilan.fichier and _pdfs(media) == [bilan.fichier.name]


@pytest.mark.worker
def test_a_job_interrupted_twice_fails_with_a_clear_message(celery_worker_factory, media):
    instance = OrganisationFactory(instance=True)
    bilan = bilan_demander(user=UserFactory(role="dcp", organisation=instance), acheteur=instance, annee=2025)
    tache = bilan.tache
    _tuer_en_plein_travail(celery_worker_factory(env=_env(media, TACHE_PAUSE_TEST="120")), tache, media, 1)
    _tuer_en_plein_travail(celery_worker_factory(env=_env(media, TACHE_PAUSE_TEST="120")), tache, media, 2)

    troisieme = celery_worker_factory(env=_env(media))
    troisieme.wait_for(lambda: Tache.objects.get(pk=tache.pk).est_finie, timeout=120)
    tache.refresh_from_db()
    assert tache.etat == Tache.Etat.ECHEC
    assert tache.message == MESSAGE_ABANDON.format(n=2)
    bilan.refresh_from_db()
    assert bilan.etat == "echec" and not bilan.fichier
