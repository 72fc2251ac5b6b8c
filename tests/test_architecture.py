"""The app graph runs one way, and no coupling between apps is hidden.

Business code is layered, each app above the ones it builds on:

    core < clauses < marches < facilitateurs < fse < examens < declarations < bilans < spaser < relances < demo

- clauses: purchase families, the clause library, the hours formula (a contract's clauses are written by
  marches, which owns what a contract implies: marches.etat);
- marches: contracts, their derived state, DECP and the register;
- facilitateurs: conventions, participants and hours on contracts;
- fse: FSE+ operations, participants' entry/exit/6-month data and the common indicators of Regulation (EU)
  2021/1057;
- examens: every contract examined before launch (facilitator's opinion, DCP's decision), and its figures;
- declarations: companies' contacts, their monthly declarations of hours, validation, attestation;
- bilans: the indicator engine and the annual report;
- spaser: the scheme, whose evaluation reads the indicator engine;
- relances: reminders and notifications by e-mail (Celery beat), reading every app below;
- demo: seeds everything, imported by nothing.

A business module imports only from its own app and the apps below it. Web modules (views, urls, forms,
filters, admin, template tags, management commands) present several apps at once and may import the business
modules of any app but `demo`. No module imports a sibling app inside a function or behind
`try/except ImportError`: an import that cannot be seen at the top of a module is a coupling nobody reviews.
One exception, documented where it stands: an app's `AppConfig.ready()` may import an app BELOW it to
register into that app's extension points (spaser adds its section to the bilan PDF and its adopted targets
to the indicator engine), since models cannot be imported before the registry is ready.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = ["core", "clauses", "marches", "facilitateurs", "fse", "examens", "declarations", "bilans", "spaser", "relances",
          "demo"]
WEB_PARTS = {"views", "templatetags", "management"}
WEB_FILES = {"views.py", "urls.py", "forms.py", "filters.py", "admin.py", "admin_site.py"}


def _modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _is_web(path: Path) -> bool:
    return path.name in WEB_FILES or path.name.startswith("views_") or bool(WEB_PARTS & set(path.parts))


def _app_of(module: str) -> str | None:
    head = module.split(".")[0]
    return head if head in LAYERS else None


def _imports(tree):
    """(node, imported module) for every absolute import of the module, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node, node.module


def _hidden_imports(tree, *, apps_py: bool):
    """Absolute imports nested in a function or in a `try` whose handlers catch ImportError (an AppConfig's
    `ready()` in apps.py excepted: see the module docstring)."""
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if apps_py and node.name == "ready":
                continue
            hidden |= {id(n) for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)}
        elif isinstance(node, ast.Try) and any(
                "ImportError" in ast.unparse(handler.type or ast.Name("BaseException")) for handler in node.handlers):
            hidden |= {id(n) for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Import | ast.ImportFrom)}
    return hidden


def graph_violations(app: str, path: Path, source: str) -> list[str]:
    tree = ast.parse(source)
    hidden = _hidden_imports(tree, apps_py=path.name == "apps.py")
    rank = LAYERS.index(app)
    found = []
    for node, module in _imports(tree):
        target = _app_of(module)
        if target is None or target == app:
            continue
        if id(node) in hidden:
            found.append(f"{path.relative_to(ROOT)}: hidden import of {module} (inside a function or try/except)")
        elif target == "demo":
            found.append(f"{path.relative_to(ROOT)}: imports {module} (nothing imports the demo)")
        elif not _is_web(path) and LAYERS.index(target) > rank:
            found.append(f"{path.relative_to(ROOT)}: imports {module}, an app above {app}")
    return found


def test_the_app_graph_runs_one_way_and_every_import_is_visible():
    violations = [v for app, path in _modules() for v in graph_violations(app, path, path.read_text())]
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize(("app", "name", "source", "expected"), [
    ("clauses", "services.py", "from marches.models import Marche\n", "an app above clauses"),
    ("clauses", "services.py", "def f():\n    from core.models import Organisation\n", "hidden import"),
    ("spaser", "apps.py", "try:\n    from bilans import pdf\nexcept ImportError:\n    pass\n", "hidden import"),
    ("spaser", "apps.py", "class C:\n    def ready(self):\n        from bilans import pdf\n", None),
    ("bilans", "apps.py", "class C:\n    def ready(self):\n        from spaser import bilan\n", "an app above"),
    ("marches", "services.py", "import demo.marches\n", "nothing imports the demo"),
    ("clauses", "views.py", "from marches.models import Marche\n", None),  # web code presents several apps
    ("marches", "services.py", "from clauses.models import FamilleAchat\n", None),  # below: allowed
    ("marches", "services.py", "def f():\n    from .models import Marche\n", None),  # its own app
])
def test_the_check_sees_each_kind_of_violation(app, name, source, expected):
    found = graph_violations(app, ROOT / app / name, source)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found
