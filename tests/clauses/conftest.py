from importlib import import_module

import pytest


@pytest.fixture(autouse=True)
def _data_from_migrations(request):
    """Rows created by data migrations (the diagnosis grid, the EU thresholds) are gone once a transactional
    test has flushed the database: put them back for the database tests of this app."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from django.apps import apps

    import_module("clauses.migrations.0004_questions_diagnostic").create_questions(apps, None)
    import_module("marches.migrations.0004_seuils_europeens").seed(apps, None)
