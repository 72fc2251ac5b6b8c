"""Shared helpers of the benchmarks. Each `bench/bench_<name>.py` is a script:

    from common import setup, Figure, report, timed
    setup()                      # Django on DATABASE_URL (make bench points it at PostgreSQL)
    ...build data, measure...
    report("marches", [Figure("liste 100 000 marchés", 212.0, "ms", target="< 300", ok=True), ...])

`report` prints the figures and writes them to bench/results/<name>.json; bench/run_all.py runs every
script and prints one table."""

import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass
class Figure:
    label: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def timed(func, repeat: int = 5) -> tuple[float, object]:
    """Median wall time in milliseconds over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


# Data volumes of the generators: (contracts, monthly hour rows). National: about 58,000 contracts and 25 M hours
# a year across France; 100,000 contracts and 2,000,000 monthly rows (about 6 years of a large network).
SCALES = {"departement": (10_000, 200_000), "national": (100_000, 2_000_000)}


def scale_given() -> str | None:
    """The scale asked for (--scale or BENCH_SCALE), None when none was: the scripts that run at every scale then
    run at both."""
    name = scale_arg(None)
    if name is not None and name not in SCALES:
        sys.exit(f"Échelle inconnue : {name} (choix : {', '.join(SCALES)})")
    return name


def run_each_scale(script: str) -> int:
    """Run `script` once per scale (departement, then national), each in a process of its own (Django reads its
    database once), with the same other arguments. Returns the first non-zero exit code, else 0."""
    import subprocess

    code = 0
    for name in SCALES:
        print(f"--- {Path(script).name} --scale {name}", flush=True)
        code = subprocess.call([sys.executable, script, *sys.argv[1:], "--scale", name], cwd=ROOT) or code
    return code


def use_load_database(scale: str):
    """Point Django at the database of the load test at that scale (spaser_bench_charge_<scale>, whatever make
    bench set: the demo's accounts plus the generator's data), created when missing; production-shaped settings:
    real password hashing, Redis cache and sessions, DEBUG off. Before setup()."""
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/x").rsplit("/", 1)[0]
    url = os.environ["DATABASE_URL"] = f"{server}/spaser_bench_charge_{scale}"
    # Its own Redis database too (cache, sessions, Celery queue): a figure cached or a job queued over one scale's
    # database must never be read or run over the other's.
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1").rsplit("/", 1)[0]
    os.environ["REDIS_URL"] = f"{redis}/{LOAD_REDIS_DB[scale]}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "0"
    ensure_database(url)


def ensure_database(url: str | None = None):
    """Create the PostgreSQL database of `url` (default: DATABASE_URL) when missing; nothing for another engine."""
    url = url or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_load_data(scale: str):
    """After setup() on use_load_database(scale): the demo (seeded once, before the generator adds its contracts:
    its steps walk every contract), then bench_bilans' generator at that scale for the demo's instance. Both see
    data already there and reuse it: a second run builds nothing."""
    from django.core.management import call_command

    from core.models import User

    if not User.objects.filter(username="dcp").exists():
        call_command("seed_demo", verbosity=0)
    import bench_bilans

    return bench_bilans.build(*SCALES[scale])


LOAD_REDIS_DB = {"departement": 3, "national": 4}


def scale_volumes(default="national") -> tuple[str, int, int]:
    """(scale name, contracts, hour rows) from --scale."""
    name = scale_arg(default)
    if name not in SCALES:
        sys.exit(f"Échelle inconnue : {name} (choix : {', '.join(SCALES)})")
    return (name, *SCALES[name])


def scale_arg(default="national") -> str:
    for index, arg in enumerate(sys.argv):
        if arg == "--scale" and index + 1 < len(sys.argv):
            return sys.argv[index + 1]
        if arg.startswith("--scale="):
            return arg.split("=", 1)[1]
    return os.environ.get("BENCH_SCALE", default)


def report(name: str, figures: list[Figure], file: str | None = None):
    """Print the figures and write them to bench/results/<file or name>.json (file: one per scale)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{file or name}.json").write_text(json.dumps({"name": name, "figures": [asdict(f) for f in figures]},
                                                     ensure_ascii=False, indent=2))
    for f in figures:
        status = "" if f.ok is None else (" OK" if f.ok else " NON ATTEINT")
        print(f"{name:12} {f.label:55} {f.value:>12.1f} {f.unit:6} {f.target:>12}{status}")
