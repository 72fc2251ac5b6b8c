from celery import shared_task

from .jobs import job_run, taches_bloquees_reprendre


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_tache(tache_id: int):
    tache = job_run(tache_id)
    return tache.etat if tache else None


@shared_task
def taches_bloquees_reprendre_tache():
    """Periodic (Celery beat, settings.CELERY_BEAT_SCHEDULE): jobs left "en cours" by a dead worker."""
    return taches_bloquees_reprendre()
