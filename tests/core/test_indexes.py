"""core.indexes.IndexNullsLast: NULLS LAST in the index where the database accepts it (PostgreSQL), the same
columns without it on SQLite (which refuses the clause and already puts NULL last in a descending index)."""

import pytest
from django.db import connection

from core.indexes import IndexNullsLast
from marches.models import Marche

pytestmark = pytest.mark.django_db


def _index():
    return next(i for i in Marche._meta.indexes if i.name == "marche_fin_id_idx")


def test_the_index_is_spelled_for_each_database():
    index = _index()
    assert isinstance(index, IndexNullsLast)
    editor = connection.schema_editor(collect_sql=True)  # only to spell the statement: not entered, nothing run
    sql = str(index.create_sql(Marche, editor))
    assert '"date_fin"' in sql and "DESC" in sql and '"id"' in sql
    assert ("NULLS LAST" in sql) is (connection.vendor == "postgresql")


def test_the_migrated_index_exists_on_the_contracts_columns():
    with connection.cursor() as cursor:
        contraintes = connection.introspection.get_constraints(cursor, Marche._meta.db_table)
    assert contraintes["marche_fin_id_idx"]["columns"] == ["date_fin", "id"]
    assert contraintes["marche_fin_id_idx"]["index"]
