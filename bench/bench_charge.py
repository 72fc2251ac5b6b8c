"""Load: gunicorn (several workers) on PostgreSQL, and locust on loopback playing the roles' usual paths for
60 s at 50 concurrent users, already logged in (one session each, made beforehand; a real login is timed apart,
since a password hash costs hundreds of milliseconds on purpose). Prints requests/s, p50, p95 and errors (any
answer other than 200 on a page counts as an error), each label naming the scale ("charge national p95").

Runs at both scales, one after the other, unless --scale picks one: departement (10,000 contracts and 200,000
hour rows, the size of our customer; target p95 < 150 ms) and national (100,000 / 2,000,000; p95 < 300 ms).
Data: the demo (accounts, contracts, SPASER) plus, for the instance, the generator of bench_bilans.py, in a
database of its own per scale (spaser_bench_charge_<scale>), built once and reused (common.build_load_data).

    make bench BENCH_ARGS=charge            # or: .venv/bin/python bench/bench_charge.py [--users 50 --seconds 60]
    make bench BENCH_ARGS="charge --scale departement"
"""

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import (
    RESULTS,
    ROOT,
    SCALES,
    Figure,
    build_load_data,
    report,
    run_each_scale,
    scale_given,
    setup,
    use_load_database,
)

P95_CIBLE = {"departement": 150, "national": 300}  # ms, issue 17


def arg(name, default):
    if name in sys.argv:
        return type(default)(sys.argv[sys.argv.index(name) + 1])
    return default


def role_paths():
    """Usual pages per role, resolved from URL names that exist; detail pages of real objects."""
    from django.urls import NoReverseMatch, reverse

    def url(name, query="", **kwargs):
        try:
            return reverse(name, kwargs=kwargs or None) + query
        except NoReverseMatch:
            return None

    from marches.models import Marche

    own = Marche.objects.filter(acheteur__type="instance").order_by("-id").values_list("pk", flat=True)[:20]
    partner = Marche.objects.filter(acheteur__siret="27400012300019").values_list("pk", flat=True)[:10]
    year = str(Marche.objects.order_by("-date_notification").values_list("date_notification__year", flat=True)
               .first() or 2025)
    common = [url("core:home"), url("marches:list"), url("marches:list", "?q=travaux"),
              url("marches:list", f"?annee={year}"), url("bilans:dashboard"), url("bilans:dashboard", f"?annee={year}")]
    details = [url("marches:detail", pk=pk) for pk in own]
    paths = {
        "acheteur": common + details + [url("clauses:index")],
        "dcp": common + details + [url("clauses:index"), url("spaser:index"), url("marches:list", "?conformite=non_conforme")],
        "facilitateur": common + details + [url("facilitateurs:home"), url("facilitateurs:conventions")]
        + [url("facilitateurs:grille", marche_pk=pk) for pk in own[:5]],
        "elu": common + [url("spaser:index")],
        "partenaire": [url("core:home"), url("marches:list"), url("bilans:dashboard")]
        + [url("marches:detail", pk=pk) for pk in partner],
        "admin": [url("core:home"), url("core:users"), url("core:organisations"), url("marches:list")],
        "public": [url("spaser:public_home"), url("spaser:public_programmation")],
    }
    return {role: [p for p in ps if p] for role, ps in paths.items()}


def main(scale: str):
    # gunicorn with the workers of production (docker-compose.yml, Dockerfile: 3)
    users, seconds, workers = arg("--users", 50), arg("--seconds", 60), arg("--workers", 3)
    n_marches, n_heures = SCALES[scale]
    use_load_database(scale)
    setup()
    build_load_data(scale)
    forget_earlier_runs()
    paths = role_paths()
    sessions = open_sessions(users)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = RESULTS / f"charge-requetes-{scale}.tsv"
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BENCH_PATHS": json.dumps(paths), "BENCH_SESSIONS": json.dumps(sessions),
           "BENCH_LOG": str(log_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--log-level", "warning"], cwd=ROOT, env=env)
    # As in production, a Celery worker computes the figures the pages serve (bilans.figures: no request computes
    # them); the pages are visited once before the load and the jobs they queue waited for.
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
        cwd=ROOT, env=env)
    host = f"http://127.0.0.1:{port}"
    prefix = RESULTS / f"charge-{scale}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/sante/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        login_ms = time_logins(host)  # before the warm-up: a POST moves the data version (core/donnees.py)
        warm_up(host, paths, sessions)
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
             "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False)
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=60)
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    times = [line.split("\t") for line in log_path.read_text().splitlines()]
    pages = [float(ms) for _name, ms, _failed in times]
    p95, cible = percentile(pages, 95), P95_CIBLE[scale]
    (RESULTS / "charge.json").unlink(missing_ok=True)  # the one-scale file of earlier runs, labels without scale
    label = f"charge {scale}"
    report("charge", [
        Figure(f"{label} : {n_marches:_} marchés, {n_heures:_} relevés".replace("_", " "), n_marches, ""),
        Figure(f"{label} débit ({users} utilisateurs connectés, {seconds} s)", float(total["Requests/s"]), "req/s"),
        Figure(f"{label} p50", percentile(pages, 50), "ms"),
        Figure(f"{label} p95", p95, "ms", target=f"< {cible}", ok=bool(pages) and p95 < cible),
        Figure(f"{label} erreurs", errors, "", target="0", ok=bool(pages) and errors == 0),
        Figure(f"{label} requêtes", len(pages), ""),
        Figure(f"{label} connexion réelle (mot de passe haché)", login_ms, "ms"),
    ], file=f"charge-{scale}")


def forget_earlier_runs():
    """This scale's Redis database emptied (cache, sessions, the Celery queue of an earlier run) and the jobs an
    earlier run left queued or running marked failed: their messages are gone, no worker would ever end them."""
    from django.core.cache import cache

    from core.models import Tache

    cache.clear()
    Tache.objects.filter(etat__in=(Tache.Etat.EN_ATTENTE, Tache.Etat.EN_COURS)).update(
        etat=Tache.Etat.ECHEC, message="Abandonnée par un banc de charge précédent.")


def warm_up(host: str, paths: dict, sessions: dict, timeout: float = 300):
    """Visit every page once per role, then wait until the jobs these visits queued (the figures of each scope)
    are done: the load measures pages serving their figures, not a queue of first computations."""
    import requests

    from core.models import Tache

    start = time.perf_counter()
    for role, role_paths_ in paths.items():
        with requests.Session() as client:
            if role in sessions:
                client.cookies.set("sessionid", sessions[role][0])
            for path in dict.fromkeys(role_paths_):
                client.get(f"{host}{path}", allow_redirects=False, timeout=120)
    en_file = (Tache.Etat.EN_ATTENTE, Tache.Etat.EN_COURS)
    while Tache.objects.filter(etat__in=en_file).exists() and time.perf_counter() - start < timeout:
        time.sleep(1)
    waiting = Tache.objects.filter(etat__in=en_file).count()
    print(f"Pages visitées une fois et tâches attendues en {time.perf_counter() - start:.0f} s"
          + (f" ({waiting} encore en file)" if waiting else ""), flush=True)


def open_sessions(count: int) -> dict:
    """One session per simulated user, spread over the demo accounts, as `login()` would have made it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from core.models import User

    accounts = list(User.objects.filter(username__in=["acheteur", "dcp", "facilitateur", "elu", "partenaire",
                                                      "admin"]).order_by("username"))
    sessions = {}
    for i in range(count):
        user = accounts[i % len(accounts)]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.setdefault(user.username, []).append(store.session_key)
    return sessions


def time_logins(host: str, repeat: int = 5) -> float:
    """Median time of a real login (GET the form, POST the password), one after another."""
    import re
    import statistics

    import requests

    from core.models import User

    user = User.objects.get(username="dcp")
    if not user.check_password("demo"):  # a database seeded under other settings (another password hasher)
        user.set_password("demo")
        user.save(update_fields=["password"])
    times = []
    for _ in range(repeat):
        with requests.Session() as client:
            start = time.perf_counter()
            form = client.get(f"{host}/connexion/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            done = client.post(f"{host}/connexion/", {"username": "dcp", "password": "demo",
                                                      "csrfmiddlewaretoken": token},
                               headers={"Referer": f"{host}/connexion/"})
            times.append((time.perf_counter() - start) * 1000)
            assert "/connexion/" not in done.url, "connexion refusée"
    return statistics.median(times)


def percentile(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    if scale_given() is None:
        sys.exit(run_each_scale(__file__))
    main(scale_given())
