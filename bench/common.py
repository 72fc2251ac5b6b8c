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


def report(name: str, figures: list[Figure]):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps({"name": name, "figures": [asdict(f) for f in figures]},
                                                     ensure_ascii=False, indent=2))
    for f in figures:
        status = "" if f.ok is None else (" OK" if f.ok else " NON ATTEINT")
        print(f"{name:12} {f.label:55} {f.value:>12.1f} {f.unit:6} {f.target:>12}{status}")
