"""The dependency between the two apps goes one way: marches -> clauses (see marches.etat). The clauses app's
business modules never import marches, not even inside a function."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BUSINESS_MODULES = ["models", "services", "selectors", "enums", "textes", "register", "advisor", "perms"]


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize("module", BUSINESS_MODULES)
def test_clauses_business_modules_do_not_import_marches(module):
    path = Path(settings.BASE_DIR) / "clauses" / f"{module}.py"
    offenders = [name for name in _imports(path) if name == "marches" or name.startswith("marches.")]
    assert not offenders, f"clauses/{module}.py imports {offenders}: the dependency goes marches -> clauses"


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from marches.models import Marche\n    import marches.compliance\n")
    assert _imports(path) == ["marches.models", "marches.compliance"]
