"""make bench: run every bench/bench_*.py against PostgreSQL and Redis, then print one table.

    make bench                                   # every script: national scale; the load test and the pages at
                                                 # both scales, one line per scale ("charge national p95")
    make bench BENCH_ARGS="--scale departement"  # smaller data, one scale everywhere
    make bench BENCH_ARGS="charge"               # only bench_charge.py (both scales)"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/spaser_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")

from common import ensure_database  # noqa: E402  (bench/, this script's folder)


def main():
    ensure_database()
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    # Options (--scale national, --users 50…) go to every script; other words pick scripts by name.
    options, only, args = [], [], sys.argv[1:]
    while args:
        arg = args.pop(0)
        if arg.startswith("--"):
            options.append(arg)
            if "=" not in arg and args and not args[0].startswith("--"):
                options.append(args.pop(0))
        else:
            only.append(arg)
    failed, start = [], time.time()
    for script in scripts:
        if only and not any(o in script.stem for o in only):
            continue
        print(f"--- {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script), *options], cwd=ROOT)
        if code:
            failed.append(script.name)
    print("\n" + "=" * 110)
    # This run's figures only: a file of an earlier run (another scale, a script not picked) would pass for today's.
    for result in sorted((ROOT / "bench" / "results").glob("*.json")):
        if result.stat().st_mtime < start:
            continue
        data = json.loads(result.read_text())
        for f in data["figures"]:
            status = "" if f["ok"] is None else ("OK" if f["ok"] else "NON ATTEINT")
            print(f"{data['name']:12} {f['label']:55} {f['value']:>12.1f} {f['unit']:6} {f['target']:>12} {status}")
    if failed:
        print(f"Scripts en échec : {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
