"""The demo lives in one package, `demo/`: it depends on every app and no app depends on it. Its command,
`seed_demo`, builds the demo accounts and data in every domain, and only with demo settings."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, get_commands

ROOT = Path(settings.BASE_DIR)
# Application code: every local app but the demo itself, and the project's configuration.
APP_PACKAGES = [label for label in settings.LOCAL_APPS if label != "demo"] + ["config"]
IMPORT_CALLS = {"import_module", "__import__"}
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def _names_demo(module: str) -> bool:
    return module == "demo" or module.startswith("demo.") or module.endswith(".demo") or ".demo." in module


def _demo_imports(path: Path) -> list[str]:
    """`import demo…`, `from demo… import`, `from .demo import`, `from . import demo`,
    `import_module("demo")`, and dotted paths such as "core.demo.seed" resolved at run time."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        hit = False
        if isinstance(node, ast.Import):
            hit = any(_names_demo(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            hit = _names_demo(node.module or "") or any(alias.name == "demo" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            hit = func in IMPORT_CALLS and isinstance(node.args[0].value, str) and _names_demo(node.args[0].value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED.fullmatch(node.value):
            hit = _names_demo(node.value)
        if hit:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return sorted(set(found))


def test_no_app_module_imports_the_demo_and_no_app_keeps_a_demo_module():
    offenders = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                offenders += _demo_imports(path)
    assert not offenders, f"Application code must not depend on the demo package: {offenders}"
    leftovers = [f"{package}/demo" for package in APP_PACKAGES
                 if (ROOT / package / "demo.py").exists() or (ROOT / package / "demo").exists()]
    assert not leftovers, f"Demo seeding belongs in demo/, not in the apps: {leftovers}"


def test_demo_is_the_last_local_app_and_owns_seed_demo():
    assert settings.LOCAL_APPS[-1] == "demo"  # it depends on every app: installed after all of them
    assert get_commands()["seed_demo"] == "demo"


def test_the_guard_sees_every_way_of_importing_a_demo_module(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    sources = ["import demo", "import demo.marches as m", "from demo import seed", "from demo.clauses import x",
               "from .demo import seed", "from . import demo", "from core.demo import ACCOUNTS",
               "import_module('marches.demo')", "importlib.import_module('demo.spaser')",
               "STEPS = ['core.demo.seed']", "import_module('demo')"]
    for source in sources:
        (tmp_path / "m.py").write_text(source + "\n")
        assert _demo_imports(tmp_path / "m.py") == ["m.py:1"], source
    (tmp_path / "m.py").write_text("import demographie\nfrom core import demo_mode\nx = {'demo': 1}\n"
                                   "APPS = ['core', 'demo']\nEMAIL = 'dcp@demo.invalid'\n")
    assert _demo_imports(tmp_path / "m.py") == []


# The whole seed (accounts, every domain, idempotence, the customer's figures) is tested in test_echelle.py,
# in one test (one seed).


def test_seed_demo_refuses_production_settings(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
