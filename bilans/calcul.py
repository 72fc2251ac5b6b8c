"""Database settings of a computation of the indicator engine outside requests (the engine itself, bilans.selectors,
is written with the ORM only: tests/bilans/test_resultats.py)."""

from django.db import connection


def memoire_de_calcul():
    """PostgreSQL only, for this transaction only (SET LOCAL): the engine's GROUP BY over millions of hour rows
    sort and hash in memory instead of on disk (default work_mem: 4 MB), and without JIT compilation, which
    costs more than it saves on these few queries. Nothing changes on SQLite, nor the figures. Called inside the
    transaction of each computation outside requests: generer_bilan, the figures' job, the bilan's job."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
