"""PostgreSQL unreachable: a clear error page, not a stack trace, and recovery without restart.

A real gunicorn serves the application through a TCP relay to PostgreSQL that the test cuts and
restores, so persistent connections really break."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


class Relay:
    """A TCP relay 127.0.0.1:port -> PostgreSQL that can be cut (every connection closed) and restored."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(50)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, destination):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.sockets = []

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def served_through_relay():
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("Ce test de panne demande PostgreSQL (DATABASE_URL).")
    relay = Relay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ.copy()
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{db['USER']}:{db.get('PASSWORD') or ''}@127.0.0.1:{relay.port}/{db['NAME']}",
        "CONN_MAX_AGE": "600",  # persistent connections: the hard case for recovery
        "PGCONNECT_TIMEOUT": "3",
    })
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/connexion/", timeout=10)
            break
        except OSError:  # not listening yet, or a first answer slower than the timeout on a loaded machine
            time.sleep(0.2)
    try:
        yield base, relay
    finally:
        server.terminate()
        server.wait(timeout=20)
        relay.close()


def test_database_down_gives_a_clear_page_and_recovers_without_restart(served_through_relay):
    base, relay = served_through_relay
    assert _get(f"{base}/sante/") == (200, "ok")

    relay.cut()
    status, body = _get(f"{base}/sante/")
    assert status == 503
    assert "La base de données ne répond pas" in body
    assert "Traceback" not in body and "OperationalError" not in body

    status, body = _get(f"{base}/connexion/?next=/")
    assert status in (200, 503)  # the login page itself needs no database

    relay.restore()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, body = _get(f"{base}/sante/")
        if status == 200:
            break
        time.sleep(0.5)
    assert (status, body) == (200, "ok")
