"""SQL snapshots: the queries a page or an export runs, normalised and compared with a file under review.

A snapshot test renders a URL, captures every query, normalises its text (ids, dates, literal values, `IN (…)`
lists, savepoint names) and compares the list, one query per line, with `tests/snapshots/<name>.<vendor>.sql`
(`sqlite` or `postgresql`: the two databases print the same query differently, so each has its file). A
changed query then shows in review as a diff of that file.

Update the snapshots after a deliberate change of the queries (both databases; CI runs PostgreSQL):

    .venv/bin/python -m pytest tests/test_sql_snapshots.py tests/*/test_views.py -k snapshot --snapshot-update
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<db> \\
        .venv/bin/python -m pytest tests/test_sql_snapshots.py tests/*/test_views.py -k snapshot --snapshot-update

Without `--snapshot-update` a missing or different snapshot fails the test; with it the file is (re)written
and the test passes. Read the diff (`git diff tests/snapshots/`) before committing it.
"""

import re
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"

_STRING = re.compile(r"(?:\bE)?'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w.\"$?])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w\"])", re.IGNORECASE)
_SAVEPOINT = re.compile(r'"s\d+_x\d+"')
_CURSOR = re.compile(r'"_django_curs_\d+_(?:a?sync)_\d+"')  # PostgreSQL server-side cursors (.iterator())
_LIST = re.compile(r"\((?:\s*\?(?:::[\w\s\[\]]+)?\s*,)+\s*\?(?:::[\w\s\[\]]+)?\s*\)")
_ARRAY = re.compile(r"ARRAY\[[^\]]*\]")
_SPACES = re.compile(r"\s+")


def normalise(sql: str) -> str:
    """One line of stable SQL: literal values become `?`, lists of them `(…)`, savepoints `"s_x"` and server-side
    cursors `"_django_curs"` (their names count the cursors of the process)."""
    sql = _SPACES.sub(" ", sql).strip()
    sql = _SAVEPOINT.sub('"s_x"', sql)
    sql = _CURSOR.sub('"_django_curs"', sql)
    sql = _STRING.sub("?", sql)
    sql = _NUMBER.sub("?", sql)
    sql = _ARRAY.sub("ARRAY[…]", sql)
    sql = _LIST.sub("(…)", sql)
    sql = re.sub(r"\bIN \(\?(?:::[\w\[\] ]+)?\)", "IN (…)", sql)  # one value or many: the same query
    # bulk_update's `CASE WHEN (id = ?) THEN ? WHEN …`: one branch stands for all.
    sql = re.sub(r"(WHEN \(\S+ = \?\) THEN \S+)(?: WHEN \(\S+ = \?\) THEN \S+)*", r"\1 …", sql)
    # Multi-row VALUES (bulk inserts): one group stands for all, as for a single row.
    sql = re.sub(r"VALUES (\((?:[^()]|\(…\))*\))(?:, \((?:[^()]|\(…\))*\))+", r"VALUES \1", sql)
    return sql


def capture(client, url: str, data=None, *, status: int = 200) -> list[str]:
    """GET `url` (whole body read, streamed or not) and return its normalised queries.
    The cache is emptied first, so that a cached figure never hides the queries that compute it."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == status, f"{url}: {response.status_code}, expected {status}"
    return [normalise(query["sql"]) for query in ctx.captured_queries]


def snapshot_path(name: str) -> Path:
    return SNAPSHOT_DIR / f"{name}.{connection.vendor}.sql"


def assert_matches_snapshot(name: str, queries: list[str], *, update: bool) -> None:
    """Compare `queries` with the stored snapshot `name` (this database's), or rewrite it when `update`."""
    path = snapshot_path(name)
    text = "".join(f"{query}\n" for query in queries)
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        return
    assert path.exists(), (
        f"No SQL snapshot {path.relative_to(SNAPSHOT_DIR.parent.parent)}: run pytest with --snapshot-update"
    )
    stored = path.read_text().splitlines()
    if stored != queries:
        import difflib

        diff = "\n".join(
            difflib.unified_diff(stored, queries, "snapshot", "now", lineterm="", n=1)
        )
        raise AssertionError(
            f"The queries of {name} changed ({len(stored)} → {len(queries)}). If intended, run pytest with "
            f"--snapshot-update and commit {path.name}:\n{diff}"
        )


def assert_queries_stable(name: str, client, url: str, grow, *, update: bool, data=None, status: int = 200):
    """The page at `url` runs the same queries after `grow()` adds rows once and after it adds them again, and
    they match the snapshot `name`. A first read warms the process's caches (content types...), so the order of
    the tests is moot; rows are added after it in both reads, so work done once per new row (a DECP id assigned
    before the first export) shows in both."""
    capture(client, url, data, status=status)
    grow()
    before = capture(client, url, data, status=status)
    grow()
    after = capture(client, url, data, status=status)
    assert len(after) == len(before), f"{name}: {len(before)} queries, then {len(after)} with more rows"
    assert after == before, f"{name}: the queries depend on the number of rows"
    assert_matches_snapshot(name, before, update=update)
