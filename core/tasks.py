from celery import shared_task

from .jobs import job_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_tache(tache_id: int):
    tache = job_run(tache_id)
    return tache.etat if tache else None
