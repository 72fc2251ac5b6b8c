import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("spaser")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_broker_folders(sender, **kwargs):
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


@signals.task_postrun.connect
def _donnees_modifiees(task=None, args=None, **kwargs):
    """A background task (import, purge, bilan) may have written in bulk: cached figures are recomputed. Not after
    a job that only reads (core.donnees.TACHES_LECTURE_SEULE: the figures' own computation)."""
    from core.donnees import TACHES_LECTURE_SEULE, donnees_modifiees

    if getattr(task, "name", "") == "core.tasks.run_tache" and args:
        from core.models import Tache

        if Tache.objects.filter(pk=args[0], type__in=TACHES_LECTURE_SEULE).exists():
            return
    donnees_modifiees()


@signals.worker_ready.connect
def _reprendre_taches_bloquees(**kwargs):
    """A worker starts: jobs left "en cours" by a dead worker (killed mid-job; with the embedded file broker its
    message is lost) are queued again once, then failed with a clear message (core.jobs)."""
    from core.jobs import taches_bloquees_reprendre

    try:
        resultat = taches_bloquees_reprendre(demarrage=True)
    except Exception:  # the worker must start even when the database is not there yet
        logging.getLogger(__name__).exception("Reprise des tâches bloquées impossible au démarrage")
        return
    if resultat["relancees"] or resultat["abandonnees"]:
        logging.getLogger(__name__).warning("Tâches bloquées au démarrage : %s", resultat)
