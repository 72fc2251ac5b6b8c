"""Background jobs with a visible state. Register a service per job type:

    @register("bilan_annuel")
    def build_bilan(tache): ...  # may set tache.resultat / save tache.fichier; raise to fail

then `job_enqueue(type=..., parametres=..., user=...)` creates the Tache and queues it once the
transaction commits. A long job reports its progress with `progression_noter(tache, fait=, total=,
etape=)`, which pages read with `progression_lire(tache)`. The Celery task (core.tasks.run_tache) is
idempotent: a Tache already done is not run again, so a redelivered message (worker killed mid-task)
completes it exactly once."""

import datetime
import logging
import socket
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from .models import Tache

logger = logging.getLogger(__name__)
REGISTRY = {}


def register(type_name):
    def decorator(func):
        REGISTRY[type_name] = func
        return func

    return decorator


def job_enqueue(*, type: str, parametres: dict | None = None, user=None, organisation=None) -> Tache:
    if type not in REGISTRY:
        _load_job_modules()
    if type not in REGISTRY:
        raise ValueError(f"Type de tâche inconnu : {type}")
    tache = Tache.objects.create(
        type=type,
        parametres=parametres or {},
        demandee_par=user if getattr(user, "is_authenticated", False) else None,
        organisation=organisation,
    )
    from .tasks import run_tache

    transaction.on_commit(lambda: run_tache.delay(tache.pk))
    return tache


def _load_job_modules():
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.jobs":
                raise


def job_run(tache_id: int) -> Tache | None:
    """Run a job once. Called by the Celery task; safe to call again for the same id.

    Two transactions: the claim (state "en cours", committed so users see it), then the work, which holds
    the Tache's row lock until it commits. A worker killed mid-job rolls its work back and releases the
    lock; the message, acknowledged late, is redelivered and the job, still "en cours", is run again. A
    duplicate delivery while the job runs (a job longer than the broker's visibility timeout) waits on the
    lock, then finds the job done and stops: the work is committed once."""
    _load_job_modules()
    with transaction.atomic():
        tache = Tache.objects.select_for_update().filter(pk=tache_id).first()
        if tache is None or tache.est_finie:  # done, or failed for good (taches_bloquees_reprendre): final
            return tache
        if tache.etat == Tache.Etat.EN_COURS:
            logger.warning("Reprise de la tâche %s (tentative %s interrompue)", tache_id, tache.tentatives)
        tache.etat = Tache.Etat.EN_COURS
        tache.started_at = timezone.now()
        tache.tentatives += 1
        tache.message = ""
        tache.save(update_fields=["etat", "started_at", "tentatives", "message"])
    service = REGISTRY.get(tache.type)
    try:
        if service is None:
            raise ValueError(f"Type de tâche inconnu : {tache.type}")
        with transaction.atomic():
            locked = Tache.objects.select_for_update().filter(pk=tache_id).first()
            if locked is None or locked.etat == Tache.Etat.TERMINEE:  # done meanwhile by a duplicate delivery
                return locked
            service(tache)
            _test_pause()
            tache.etat = Tache.Etat.TERMINEE
            tache.finished_at = timezone.now()
            tache.save()
    except Exception as exc:  # the reason is shown to the user; the traceback goes to the logs
        logger.exception("La tâche %s a échoué", tache_id)
        Tache.objects.filter(pk=tache_id).update(
            etat=Tache.Etat.ECHEC, message=f"{type(exc).__name__} : {exc}"[:2000], finished_at=timezone.now()
        )
        tache.refresh_from_db()
    return tache


PROGRESSION_SECONDES = 24 * 3600


def _progression_cle(tache_id: int) -> str:
    return f"tache-progression:{tache_id}"


def progression_noter(tache, *, fait: int, total: int, etape: str = "", **details) -> None:
    """A running job's progress (`fait` of `total`, the step's name, any JSON `details`), for the pages that show
    it. Kept in the cache, not in the Tache: the job works in one transaction that holds the Tache's row until it
    commits, so nothing written to the row is seen before the end (and a failure rolls it back: what the job
    notes here before raising, e.g. the problems refusing a file, is still there for the page)."""
    pourcent = min(100, int(fait * 100 / total)) if total else 0
    try:  # only shown: a cache out of service must not fail the job
        cache.set(_progression_cle(tache.pk), {"fait": fait, "total": total, "pourcent": pourcent, "etape": etape,
                                               **details}, PROGRESSION_SECONDES)
    except Exception:  # noqa: BLE001
        logger.warning("Avancement de la tâche %s non noté (cache indisponible)", tache.pk, exc_info=True)


def progression_lire(tache) -> dict | None:
    """The last progress noted by the job `tache` (progression_noter), or None (also when the cache is out)."""
    try:
        return cache.get(_progression_cle(tache.pk))
    except Exception:  # noqa: BLE001
        return None


def _test_pause():
    """Test-only (tests/robustesse/test_fault_worker.py): with TACHE_PAUSE_TEST set (config.settings.test, from
    the environment of a worker the test starts), wait after the job's writes, before its commit, so the test
    can kill the worker at that point. Absent from the other settings: no effect."""
    seconds = getattr(settings, "TACHE_PAUSE_TEST", 0)
    if seconds:
        time.sleep(seconds)


@register("verification_worker")
def verify_worker(tache):
    """Proves that a worker reads the queue and writes to the database (admin home page button)."""
    tache.resultat = {"hote": socket.gethostname(), "a": timezone.now().isoformat()}


# --- Jobs left "en cours" by a dead worker -----------------------------------------------------------------

TENTATIVES_MAX = 2  # the first run and one requeue
MESSAGE_ABANDON = ("Le traitement a été interrompu {n} fois (le service de tâches s'est arrêté pendant le calcul) : "
                   "il n'a pas été relancé automatiquement une nouvelle fois. Demandez-le à nouveau ; si l'échec se "
                   "répète, prévenez l'administrateur.")


def _secondes(nom: str, defaut: int) -> int:
    return int(getattr(settings, nom, defaut))


def taches_orphelines(*, demarrage: bool = False) -> list[int]:
    """Ids of the jobs marked "en cours" that no live worker runs.

    A running job holds its row's lock (job_run's work transaction) until it commits; a killed worker's lock is
    released with its connection. So on PostgreSQL a job "en cours" whose row is not locked (SKIP LOCKED), started
    more than TACHE_REPRISE_DELAI_SECONDES ago (the claim commits just before the lock is taken), is an orphan.
    A database without row locks (SQLite, the embedded `make run` with its single worker) cannot tell: at a
    worker's start (`demarrage`) every job "en cours" started before is an orphan; otherwise only one running for
    longer than TACHE_DUREE_MAX_SECONDES."""
    maintenant = timezone.now()
    verrous = connection.features.has_select_for_update_skip_locked
    if verrous:
        delai = _secondes("TACHE_REPRISE_DELAI_SECONDES", 60)
    else:
        delai = 0 if demarrage else _secondes("TACHE_DUREE_MAX_SECONDES", 3600)
    candidates = Tache.objects.filter(etat=Tache.Etat.EN_COURS,
                                      started_at__lte=maintenant - datetime.timedelta(seconds=delai))
    if not verrous:
        return list(candidates.values_list("pk", flat=True))
    with transaction.atomic():
        return list(candidates.select_for_update(skip_locked=True).values_list("pk", flat=True))


def taches_bloquees_reprendre(*, demarrage: bool = False) -> dict:
    """Jobs left "en cours" by a dead worker (taches_orphelines) are queued again once, then failed with a clear
    message (MESSAGE_ABANDON). Called when a worker starts (config.celery, worker_ready) and periodically (Celery
    beat, core.tasks.taches_bloquees_reprendre_tache). A job queued again while the broker also gives its first
    message back runs once: job_run serializes the deliveries on the row lock and skips a finished job.
    Returns {"relancees": [ids], "abandonnees": [ids]}."""
    from .tasks import run_tache

    relancees, abandonnees = [], []
    for tache_id in taches_orphelines(demarrage=demarrage):
        with transaction.atomic():
            tache = (Tache.objects.select_for_update().filter(pk=tache_id, etat=Tache.Etat.EN_COURS).first())
            if tache is None:  # finished or taken meanwhile
                continue
            if tache.tentatives >= TENTATIVES_MAX:
                tache.etat = Tache.Etat.ECHEC
                tache.message = MESSAGE_ABANDON.format(n=tache.tentatives)
                tache.finished_at = timezone.now()
                tache.save(update_fields=["etat", "message", "finished_at"])
                logger.error("Tâche %s abandonnée après %s interruptions", tache_id, tache.tentatives)
                abandonnees.append(tache_id)
                continue
            tache.etat = Tache.Etat.EN_ATTENTE
            tache.message = "Reprise automatique : le traitement précédent a été interrompu."
            tache.save(update_fields=["etat", "message"])
            logger.warning("Reprise de la tâche %s : remise en file (worker disparu, tentative %s)", tache_id,
                           tache.tentatives)
            relancees.append(tache_id)
            transaction.on_commit(lambda pk=tache_id: run_tache.delay(pk))
    return {"relancees": relancees, "abandonnees": abandonnees}
