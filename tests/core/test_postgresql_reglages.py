"""PostgreSQL connections of the application run with JIT off (config/settings/base.py): its compilation cost
25-30 ms on the bilans' aggregates over 100,000 contracts, which run in 50-100 ms without it."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def test_jit_is_off_on_the_application_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
