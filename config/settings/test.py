"""Test settings: the same as production in shape, eager Celery unless a test starts a real worker."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True
MEDIA_ROOT = VAR_DIR / "test-media"
JUSTIFICATIFS_ROOT = VAR_DIR / "test-justificatifs"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a real Celery worker process can read the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

# A real worker started by a test reads the test database: the test passes its file name.
if os.environ.get("WORKER_SQLITE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["WORKER_SQLITE_NAME"]
if os.environ.get("CELERY_WORKER_REAL"):
    CELERY_TASK_ALWAYS_EAGER = False
# ... and the tasks it sends itself (a job requeued at its start, core.jobs) go to the test's own queue.
if os.environ.get("CELERY_TEST_QUEUE"):
    CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_TEST_QUEUE"]
# Fault tests (tests/robustesse/test_fault_worker.py) start workers that pause inside a job, before its commit,
# so they can be killed there (core.jobs._test_pause), and that write their files under the test's own folder.
TACHE_PAUSE_TEST = float(os.environ.get("TACHE_PAUSE_TEST") or 0)
if os.environ.get("WORKER_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["WORKER_MEDIA_ROOT"])

# Each test process has its own cache (a shared Redis would mix figures of different test databases).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
