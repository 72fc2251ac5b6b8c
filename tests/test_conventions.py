"""Written conventions turned into failing tests (see README: "Organisation du code")."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUSINESS_APPS = ["core", "marches", "clauses", "facilitateurs", "bilans", "spaser"]

# Models that are not business data edited by users, or whose rows are themselves the record of an
# action (job states, access logs, import journals): they carry their own who/when and need no history.
NO_HISTORY = {
    "core.Tache",
    "clauses.ClauseModeleVersion",  # immutable versions: created_by / created_at
}
NO_HISTORY_SUFFIXES = ("Import", "Journal", "Lecture", "LectureIdentite", "Generation")

WRITE_CALLS = {"save", "delete", "create", "bulk_create", "bulk_update", "update_or_create", "get_or_create"}


def _business_models():
    for label in BUSINESS_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            yield model


def test_every_business_model_records_its_history():
    missing = []
    for model in _business_models():
        name = f"{model._meta.app_label}.{model.__name__}"
        if name in NO_HISTORY or model.__name__.endswith(NO_HISTORY_SUFFIXES):
            continue
        if not hasattr(model, "history"):
            missing.append(name)
    assert not missing, f"Models without HistoricalRecords (who/when/what): {missing}"


@pytest.mark.parametrize("app", BUSINESS_APPS)
def test_views_do_not_write_to_the_database(app):
    """Views parse, check permission, call a service, render: no ORM writes in views.
    (`form.save(commit=False)` builds an unsaved object for a service and is allowed.)"""
    paths = sorted([ROOT / app / "views.py", *(ROOT / app / "views").glob("*.py")])
    paths = [path for path in paths if path.exists()]
    if not paths:
        pytest.skip(f"{app} has no views.py nor views/ package")
    offenders = []
    for path, node in ((p, node) for p in paths for node in ast.walk(ast.parse(p.read_text()))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_CALLS:
            if node.func.attr == "save" and any(
                kw.arg == "commit" and isinstance(kw.value, ast.Constant) and kw.value.value is False
                for kw in node.keywords
            ):
                continue
            target = ast.unparse(node.func.value)
            if node.func.attr in {"save", "delete"} and target in {"session", "request.session"}:
                continue
            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}()")
    assert not offenders, f"Writes in {app} views belong in {app}/services.py: {offenders}"
