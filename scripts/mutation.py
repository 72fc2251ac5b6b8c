"""Mutation testing of the rule modules (`make mutation`, `make mutation MODULES="marches/compliance.py"`).

For each module: copy the working tree into var/mutation/work/<module>/ (so the real tree is never touched,
whoever is editing it), write mutmut's configuration there (only that module is mutated, only its tests are
run), migrate one SQLite template database (scripts/mutation_plugin.py, the copy's root conftest, gives each
mutant's pytest session a fresh copy of it), run `mutmut run`, then print one line per module and write the surviving mutants, with
their diffs, to var/mutation/<module>.txt.

mutmut mutates function bodies only (not module constants, not docstrings), runs each mutant in a forked
process on the tests that called the mutated function during a first instrumented run (`-x`, no browser, no
Celery worker), and counts a mutant killed when one of them fails. Killed ratio = (killed + timeout) /
mutants: a mutant that loops until its CPU limit is caught too. "no tests" mutants (no selected test calls
the function) count as survivors.
"""

import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("MUTATION_OUT") or ROOT / "var" / "mutation")
BIN = Path(sys.executable).parent

# The access functions' own tests; the access matrix (tests/test_access_matrix.py, 40 s) would triple the
# module's fixed cost (instrumented, clean and forced-fail runs) without killing more.
PERMS = ["tests/core/test_perms_unitaires.py"]
# The FSE+ tests that call the indicators and the selectors (the rules directly, through the command and its XLSX,
# through the pages); not tests/fse/test_demo.py (22 s of demo data for assertions that something is counted).
FSE_TESTS = ["tests/fse/test_indicateurs.py", "tests/fse/test_selectors.py", "tests/fse/test_rapport_commande.py",
             "tests/fse/test_views.py"]
DECP_VALEURS = ["_empty", "_text", "_decimal", "_montant", "_int", "_bool", "_date", "_enum", "_items", "_titulaire",
                "_considerations", "_lieu", "procedure_approchee", "type_prix_approche"]

# module -> the tests relevant to it (missing paths are skipped) and, for a module too large to mutate whole in
# reasonable time, the functions whose mutants are run (`--functions '*'` runs them all). mutmut then narrows
# each mutant to the selected tests that called the mutated function.
MODULES = {
    "marches/compliance.py": {"tests": ["tests/marches/test_compliance.py", "tests/marches/test_regles_conformite.py"]},
    # The import rules: how each value is read, repaired and reported (2,800 mutants for the whole module;
    # the contract-level mapping of _parse_marche and the export are covered by the round-trip tests).
    "marches/decp.py": {"tests": ["tests/marches/test_regles_decp.py", "tests/marches/test_decp_import.py",
                                  "tests/robustesse/test_hostile_decp.py"],
                        "functions": DECP_VALEURS},
    "marches/decp_regles.py": {"tests": ["tests/marches/test_regles_decp_partagees.py",
                                         "tests/marches/test_regles_decp.py", "tests/marches/test_register.py"]},
    "marches/perms.py": {"tests": PERMS},
    "core/perms.py": {"tests": PERMS},
    "clauses/perms.py": {"tests": PERMS},
    "bilans/perms.py": {"tests": PERMS},
    "spaser/perms.py": {"tests": PERMS},
    "facilitateurs/perms.py": {"tests": PERMS},
    # The hours formula and how a clause picks its value (contract-level functions move to marches).
    "clauses/services.py": {"tests": ["tests/clauses/test_regles_heures.py", "tests/clauses/test_hours.py"],
                            "functions": ["heures_requises_calculer", "clause_parametres_effectifs",
                                          "clause_heures_actualiser"]},
    # The hours rules of the follow-up (2,000 and 760 mutants whole: the rest builds pages and charts).
    "facilitateurs/selectors.py": {"tests": ["tests/facilitateurs", "tests/bilans"],
                                   "functions": ["heures_comptees", "heures_effectives", "euros_en_heures", "heure_ligne",
                                                 "detail_heures_marche", "heures_realisees_par_marche",
                                                 "_sommes_heures", "heures_formation_comptees", "part_max_formation",
                                                 "taux_sous_traitance", "part_ecoulee", "heures_requises_subquery"]},
    "bilans/selectors.py": {"tests": ["tests/bilans"],
                            "functions": ["secret_statistique", "_achats_structures", "atteint", "_part",
                                          "_par_commune", "_heures_passe", "_heures_par_marche", "_totaux_heures", "objectifs_de_l_annee",
                                          "_distincts", "_comptes", "_realisation"]},
    # The FSE+ indicator rules: populations, ages, counting, masking and secondary suppression (not _def, which
    # builds the definitions' labels at import, nor rapport_json, the command's output shape).
    "fse/indicateurs.py": {"tests": FSE_TESTS,
                           "functions": ["age_entree", "ligne_de", "_age_entre", "_population",
                                         "calculer", "rapport", "Rapport.cellules_connues", "_masque", "_partitions",
                                         "masquer"]},
    # The scope of a year, each participation's exit, what is missing and its due date (the whole module).
    "fse/selectors.py": {"tests": FSE_TESTS},
}

# Lines whose mutants would only change a message for people or a log line, not a rule.
DO_NOT_MUTATE = [r"^\s*(logger|log|logging)\.\w+\(", r"\braise \w+\(", r"\bctx\.(anomalie|erreur)\("]

EXCLUDE = [".git", ".venv", "var", "mutants", "node_modules", "__pycache__", "*.pyc", "*.egg-info", "bench/results"]

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


SPINNER = re.compile(r"[\u2800-\u28ff] [A-Za-z ]+?(?=[\u2800-\u28ff]|\n|$)")


def slug(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def toml_list(items) -> str:
    return "[" + ", ".join(json.dumps(str(i)) for i in items) + "]"


def prepare(module: str, tests: list[str], work: Path, rev: str | None, extra: list[str]) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if rev:  # a committed state, whatever is being edited in the working tree
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    else:
        rsync = ["rsync", "-a", *[f"--exclude={e}" for e in EXCLUDE], f"{ROOT}/", f"{work}/"]
        subprocess.run(rsync, check=True)
    if (work / "conftest.py").exists():
        raise SystemExit("conftest.py at the root: scripts/mutation_plugin.py would replace it")
    shutil.copy2(ROOT / "scripts" / "mutation_plugin.py", work / "conftest.py")
    packages, others = [], []
    for entry in sorted(work.iterdir()):
        if entry.name in ("tests", "pyproject.toml"):
            continue  # mutmut copies these itself
        if entry.is_dir() and (entry / "__init__.py").exists():
            packages.append(entry.name)
        else:
            others.append(entry.name)
    config = f"""

[tool.mutmut]
source_paths = {toml_list(packages)}
only_mutate = {toml_list([module])}
also_copy = {toml_list(others)}
pytest_add_cli_args = {toml_list(["-m", "not browser and not worker", *extra])}
pytest_add_cli_args_test_selection = {toml_list(tests)}
do_not_mutate_patterns = {toml_list(DO_NOT_MUTATE)}
use_git_change_detection = false
"""
    with open(work / "pyproject.toml", "a") as fh:
        fh.write(config)


def environment(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PYTEST_ADDOPTS")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["MUTATION_DB_TEMPLATE"] = str(work / "dbs" / "template.sqlite3")
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    return env


def migrate_template(work: Path, env: dict) -> None:
    template = Path(env["MUTATION_DB_TEMPLATE"])
    template.parent.mkdir(parents=True, exist_ok=True)
    menv = dict(env, DATABASE_URL=f"sqlite:///{template}")
    menv.pop("MUTATION_DB_TEMPLATE")
    subprocess.run([sys.executable, "manage.py", "migrate", "--run-syncdb", "--skip-checks", "-v", "0"], cwd=work, env=menv, check=True)


def read_results(work: Path, module: str) -> dict:
    meta = work / "mutants" / (module + ".meta")
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: STATUS.get(code, "suspicious") for name, code in codes.items()}


DIFFS = """
import sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
for arg in sys.argv[1:]:
    name, status = arg.split("|")
    print("=" * 100)
    print(name, "--", status)
    try:
        print(get_diff_for_mutant(name))
    except Exception as exc:  # the listing must not stop on one mutant
        print("(diff indisponible:", exc, ")")
"""


def write_survivors(work: Path, module: str, results: dict, env: dict) -> Path:
    target = OUT / f"{slug(module)}.txt"
    lost = [name for name, status in sorted(results.items()) if status not in ("killed", "timeout")]
    header = (
        f"# {module}: {len(lost)} mutant(s) not killed out of {len(results)}\n"
        f"# Regenerate: make mutation MODULES=\"{module}\"\n"
    )
    if not lost:
        target.write_text(header)
        return target
    proc = subprocess.run(
        [sys.executable, "-c", DIFFS, *(f"{name}|{results[name]}" for name in lost)],
        cwd=work, env=env, capture_output=True, text=True,
    )
    text = proc.stdout
    target.write_text(header + text + (proc.stderr[-2000:] if proc.returncode else ""))
    return target


def patterns(module: str, functions) -> list[str]:
    """mutmut's mutant names are <module path with dots>.x_<function>__mutmut_<n> (methods, given as
    "Class.method": xǁClassǁmethod)."""
    if not functions or functions == ["*"]:
        return []
    name = module.removesuffix(".py").replace("/", ".")
    keys = [f"xǁ{fn.replace('.', 'ǁ')}" if "." in fn else f"x_{fn}" for fn in functions]
    return [f"{name}.{key}__mutmut_*" for key in keys]


def run_module(module: str, jobs: int, tests=None, rev=None, extra=(), functions=None) -> dict:
    spec = MODULES[module]
    tests = [t for t in (tests or spec["tests"]) if (ROOT / t.split("::")[0]).exists()]
    selected = patterns(module, functions if functions is not None else spec.get("functions"))
    work = OUT / "work" / slug(module)
    log = OUT / f"{slug(module)}.log"
    started = time.monotonic()
    scope = f"{len(selected)} fonctions" if selected else "module entier"
    print(f"→ {module} ({scope}) : {len(tests)} chemins de tests, journal {log.relative_to(ROOT)}", flush=True)
    prepare(module, tests, work, rev, list(extra))
    row = {"module": module, "seconds": 0}
    if not (work / module).exists():
        row["error"] = "absent de cet état du dépôt"
        return row
    env = environment(work)
    migrate_template(work, env)
    with open(log, "w") as fh:
        proc = subprocess.run([str(BIN / "mutmut"), "run", "--max-children", str(jobs), *selected], cwd=work,
                              env=env, stdout=fh, stderr=subprocess.STDOUT)
    # mutmut draws a spinner into the log: keep only the lines a person reads.
    log.write_text(SPINNER.sub("", log.read_text(errors="replace")))
    row["seconds"] = round(time.monotonic() - started)
    meta = work / "mutants" / (module + ".meta")
    if proc.returncode != 0 or not meta.exists():
        print("\n".join(log.read_text().splitlines()[-30:]), file=sys.stderr)
        row["error"] = f"mutmut a échoué (code {proc.returncode}), voir {log.relative_to(ROOT)}"
        return row
    results = read_results(work, module)
    if selected:
        results = {k: v for k, v in results.items() if any(fnmatch.fnmatch(k, p) for p in selected)}
    counts = {s: sum(1 for v in results.values() if v == s) for s in set(results.values())}
    row.update(
        mutants=len(results),
        killed=counts.get("killed", 0),
        timeout=counts.get("timeout", 0),
        survived=counts.get("survived", 0) + counts.get("no tests", 0),
        no_tests=counts.get("no tests", 0),
    )
    row["other"] = row["mutants"] - row["killed"] - row["timeout"] - row["survived"]
    row["ratio"] = (row["killed"] + row["timeout"]) / row["mutants"] if row["mutants"] else 1.0
    row["file"] = str(write_survivors(work, module, results, env).relative_to(ROOT))
    return row


def table(rows: list[dict]) -> str:
    lines = [f"{'module':<28} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} {'ratio':>7}  {'time':>6}  survivors"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['module']:<28} {r['error']}")
            continue
        survived = f"{r['survived']}" + (f" ({r['no_tests']} nt)" if r["no_tests"] else "")
        lines.append(
            f"{r['module']:<28} {r['mutants']:>7} {r['killed']:>6} {survived:>8} {r['timeout']:>7} "
            f"{r['ratio']:>6.1%}  {r['seconds']:>5}s  {r['file']}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="e.g. marches/compliance.py (default: every rule module)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "2")))
    parser.add_argument("--tests", nargs="*", help="override the module's test selection (paths or node ids)")
    parser.add_argument("--rev", help="mutate a committed state (git archive REV) instead of the working tree")
    parser.add_argument("--pytest-args", default=os.environ.get("MUTATION_PYTEST_ARGS", ""),
                        help="extra pytest arguments, e.g. \"--deselect tests/x.py::test_y\"")
    parser.add_argument("--functions", nargs="*",
                        help="mutate only these functions of the module ('*': all; default: the module's scope)")
    parser.add_argument("--keep", action="store_true", help="keep the work copies (var/mutation/work/)")
    args = parser.parse_args()
    modules = args.modules or [m for m in MODULES if (ROOT / m).exists()]
    if args.functions and len(modules) != 1:
        parser.error("--functions goes with one module")
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"Modules inconnus : {', '.join(unknown)}. Connus : {', '.join(MODULES)}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for module in modules:
        rows.append(run_module(module, args.jobs, args.tests, args.rev, shlex.split(args.pytest_args), args.functions))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
        if not args.keep:
            shutil.rmtree(OUT / "work" / slug(module), ignore_errors=True)
    print()
    print(table(rows))
    (OUT / "summary.txt").write_text(table(rows) + "\n")
    print("(killed ratio = (killed + timeout) / mutants; 'nt' = no selected test calls the function)")
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
