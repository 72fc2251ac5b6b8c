import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.smtp import serveur_smtp  # noqa: F401 (fixture: a real local SMTP server, tests/smtp.py)

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        default=False,
        help="Rewrite the SQL snapshots of tests/snapshots/ instead of comparing with them (tests/sql_snapshots.py).",
    )


@pytest.fixture(scope="session")
def snapshot_update(request) -> bool:
    """True under `pytest --snapshot-update`: SQL snapshot tests rewrite their file (tests/sql_snapshots.py)."""
    return request.config.getoption("--snapshot-update")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path):
    """Start real Celery workers, each in its own process, on the same broker, database and queue as the test.

    With REDIS_URL set they use Redis; otherwise kombu's filesystem transport (settings.CELERY_BROKER_DIR).
    `start(env={...})` adds environment variables (e.g. CELERY_VISIBILITY_TIMEOUT, TACHE_PAUSE_TEST) for that
    worker. The test sends tasks with `app.send_task` / `.delay()`: eager mode is off while the fixture lives."""
    from config.celery import app

    base_env = os.environ.copy()
    base_env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    base_env["CELERY_WORKER_REAL"] = "1"
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        base_env.pop("DATABASE_URL", None)
        base_env["WORKER_SQLITE_NAME"] = str(db["NAME"])
    else:
        base_env["DATABASE_URL"] = (
            f"postgresql://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    # Same broker as this process (Redis, or the filesystem folder of the settings); a queue of its own.
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    base_env["CELERY_TEST_QUEUE"] = queue
    workers = []

    def start(env=None):
        log_path = tmp_path / f"worker-{len(workers) + 1}.log"
        log = open(log_path, "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"w{len(workers) + 1}-{queue}@%h",
            ],
            cwd=ROOT,
            env={**base_env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = SimpleWorker(process, log_path, queue)
        workers.append((worker, log))
        return worker

    previous_eager = app.conf.task_always_eager
    previous_queue = app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield start
    finally:
        app.conf.task_always_eager = previous_eager
        app.conf.task_default_queue = previous_queue
        for worker, log in workers:
            process = worker.process
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.close()


@pytest.fixture
def celery_worker_process(celery_worker_factory):
    """One real Celery worker (see celery_worker_factory)."""
    return celery_worker_factory()


class SimpleWorker:
    def __init__(self, process, log_path, queue):
        self.process = process
        self.log_path = log_path
        self.queue = queue

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL, as an out-of-memory kill or a lost machine: no cleanup, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def wait_for(self, predicate, timeout=60, interval=0.2):
        """Poll `predicate()` until true; fail with the worker log if it never is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited ({self.process.returncode}):\n{self.log()}")
            time.sleep(interval)
        pytest.fail(f"Timed out waiting for the Celery worker:\n{self.log()[-5000:]}")


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. Skipped when absent, except under CI=true."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (apt-get install chromium).")
        pytest.skip("Chromium n'est pas installé (apt-get install chromium) : tests navigateur ignorés.")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
