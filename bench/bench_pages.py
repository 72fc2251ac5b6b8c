"""Pages over the load test's data (issue 17: "the clauses index and the facilitator's home: < 300 ms at national
scale"): each page rendered for a logged-in user of the demo (Django's test client, through the whole middleware
stack, production-shaped settings: DEBUG off, Redis cache and sessions), median of 5 after one first display.
Prints each page's slowest queries, to read with EXPLAIN ANALYZE when a page is slow.

Same databases as bench_charge.py (spaser_bench_charge_<scale>, built once by common.build_load_data and reused);
both scales unless --scale picks one. Labels name the scale: "accueil facilitateur national".

    make bench BENCH_ARGS=pages            # or: .venv/bin/python bench/bench_pages.py [--scale national]
"""

import statistics
import sys
import time

from common import Figure, build_load_data, report, run_each_scale, scale_given, setup, use_load_database

CIBLE_MS = 300
# (label, demo account, URL name)
PAGES = [
    ("accueil facilitateur", "facilitateur", "facilitateurs:home"),
    ("index des clauses", "dcp", "clauses:index"),
    ("index des clauses (facilitateur)", "facilitateur", "clauses:index"),
]


class QueryTimer:
    """Wall time of every query run through the connection (execute_wrapper)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - start) * 1000, sql))


def measure(client, url, repeat=5):
    """(first display ms, median of `repeat` next ones ms, queries of the last one with their times)."""
    from django.db import connection

    def get():
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, f"{url} : {response.status_code}"
        return elapsed

    first = get()
    times = [get() for _ in range(repeat - 1)]
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        times.append(get())
    return first, statistics.median(times), timer.queries


def main(scale: str):
    use_load_database(scale)
    setup()
    build_load_data(scale)
    from django.test import Client
    from django.urls import reverse

    from core.models import User

    figures = []
    for label, username, url_name in PAGES:
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        first, median, queries = measure(client, reverse(url_name))
        slowest = sorted(queries, key=lambda q: -q[0])[:3]
        print(f"{label} {scale} : {median:.0f} ms (premier affichage {first:.0f} ms), {len(queries)} requêtes SQL, "
              f"{sum(ms for ms, _ in queries):.0f} ms en base ; les plus lentes :", flush=True)
        for ms, sql in slowest:
            print(f"    {ms:8.1f} ms  {sql[:160]}", flush=True)
        figures.append(Figure(f"{label} {scale}", median, "ms", target=f"< {CIBLE_MS}", ok=median < CIBLE_MS))
        figures.append(Figure(f"{label} {scale}, premier affichage", first, "ms"))
    report("pages", figures, file=f"pages-{scale}")


if __name__ == "__main__":
    if scale_given() is None:
        sys.exit(run_each_scale(__file__))
    main(scale_given())
