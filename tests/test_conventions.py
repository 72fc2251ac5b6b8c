"""Written conventions turned into failing tests (see README: "Organisation du code")."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUSINESS_APPS = ["core", "marches", "clauses", "facilitateurs", "fse", "examens", "bilans", "spaser"]

# Models that are not business data edited by users, or whose rows are themselves the record of an
# action (job states, access logs, import journals): they carry their own who/when and need no history.
NO_HISTORY = {
    "core.Tache",
    "clauses.ClauseModeleVersion",  # immutable versions: created_by / created_at
    "bilans.FiguresCalculees",  # figures derived from the data by a job (its Tache), rebuilt at will
    # Sums of the hour rows kept by database triggers (facilitateurs.resumes): the rows keep the history.
    "facilitateurs.ResumeHeuresMarche",
    "facilitateurs.ResumeParticipantAnnee",
    "facilitateurs.ResumeEntrepriseAnnee",
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


def _view_modules(app):
    """Every view module of an app: views.py, views_*.py (e.g. views_public.py) and the views/ package."""
    base = ROOT / app
    return sorted({*base.glob("views.py"), *base.glob("views_*.py"), *(base / "views").glob("**/*.py")})


def _templatetag_modules():
    return sorted(path for app in BUSINESS_APPS for path in (ROOT / app / "templatetags").glob("*.py"))


def _writes(path):
    """ORM writes in a module (`form.save(commit=False)` and the session's save/delete are not)."""
    offenders = []
    for node in ast.walk(ast.parse(path.read_text())):
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
    return offenders


def test_view_and_templatetag_discovery_finds_the_modules():
    """The checks below walk files found by name: if the layout changes, they must not pass on nothing."""
    views = [path for app in BUSINESS_APPS for path in _view_modules(app)]
    assert len({path.parent.parent.name if path.parent.name == "views" else path.parent.name
                for path in views}) == len(BUSINESS_APPS), views
    assert _templatetag_modules(), "no template tag module found"


@pytest.mark.parametrize("app", BUSINESS_APPS)
def test_views_do_not_write_to_the_database(app):
    """Views parse, check permission, call a service, render: no ORM writes in views (every view module,
    packages included). (`form.save(commit=False)` builds an unsaved object for a service and is allowed.)"""
    paths = _view_modules(app)
    if not paths:
        pytest.skip(f"{app} has no views.py nor views/ package")
    offenders = [offender for path in paths for offender in _writes(path)]
    assert not offenders, f"Writes in {app} views belong in {app}/services.py: {offenders}"


@pytest.mark.parametrize("path", _templatetag_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_template_tags_do_not_write_nor_import_views(path):
    """A template tag reads through selectors: no ORM write, no import of a view module (a tag importing a
    view couples every template to that view's imports)."""
    offenders = _writes(path)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            names = [alias.name for alias in node.names]
            if "views" in module.split(".") or any(n.startswith("views") for n in module.split(".")) or any(
                name == "views" or name.startswith("views_") for name in names
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} from {module} import {names}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(part == "views" or part.startswith("views_") for part in alias.name.split(".")):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} import {alias.name}")
    assert not offenders, f"Template tags write or import views: {offenders}"


# --- Services: keyword-only arguments, one verb language ---------------------------------------------------

SERVICE_MODULES = [*(f"{app}/services.py" for app in BUSINESS_APPS), "marches/etat.py", "marches/decp_services.py"]

# Public functions of the service modules that take positional arguments on purpose: pure helpers that compute
# a value from one or two values and write nothing (checked below), called in expressions and templates.
PURE_HELPERS = {
    "clauses/services.py": {"clause_parametres_effectifs", "clause_texte_rendu", "clause_calculer",
                            "clause_texte_verifier", "clause_heures_actualiser"},
    "core/services.py": {"auteur_noter"},  # sets the history author on an unsaved object, before a save
    "facilitateurs/services.py": {"add_months", "validite_par_defaut", "premier_du_mois", "mois_libelle",
                                  "heures_libelle", "mois_dans_emploi", "heures_anomalies", "heures_verifier",
                                  "suivi_6_mois_du"},
    "marches/services.py": {"conventions_message"},
    "marches/etat.py": {"considerations_des_clauses", "considerations_effectives", "considerations_deduites_seules",
                        "declarees_depuis_fichier", "etat_calculer", "alerte_lots", "marche_etat_verifier"},
}
POSITIONAL_TODO: dict[str, set[str]] = {}
STORAGE_WRITES = {"save", "delete"}


def _public_functions(relative):
    tree = ast.parse((ROOT / relative).read_text())
    return [node for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")]


def test_services_take_keyword_only_arguments():
    """Every public function of every services.py (and marches/etat.py) takes its arguments after `*`:
    a call names what it passes (`marche_enregistrer(marche=m, user=u)`), so a reordering cannot swap two values."""
    offenders, stale = [], []
    for relative in SERVICE_MODULES:
        allowed = PURE_HELPERS.get(relative, set()) | POSITIONAL_TODO.get(relative, set())
        found = set()
        for function in _public_functions(relative):
            positional = [arg.arg for arg in function.args.posonlyargs + function.args.args]
            if function.args.vararg:
                positional.append(f"*{function.args.vararg.arg}")
            if not positional:
                continue
            found.add(function.name)
            if function.name not in allowed:
                offenders.append(f"{relative}:{function.lineno} {function.name}({', '.join(positional)}, ...)")
        stale += [f"{relative}: {name}" for name in sorted(allowed - found)]
    assert not offenders, f"Services with positional arguments (put them after `*`): {offenders}"
    assert not stale, f"Exceptions that are no longer needed (remove them from the lists): {stale}"


def test_pure_helpers_of_services_write_nothing():
    """The positional exceptions are pure helpers: no ORM nor storage write, no transaction."""
    offenders = []
    for relative, names in PURE_HELPERS.items():
        for function in _public_functions(relative):
            if function.name not in names:
                continue
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                target = ast.unparse(node.func.value)
                queryset = "objects" in target or "filter(" in target or "_set" in target
                if node.func.attr in WRITE_CALLS | STORAGE_WRITES | {"atomic"} or (
                    node.func.attr == "update" and queryset
                ):
                    offenders.append(f"{relative}:{node.lineno} {function.name}: {ast.unparse(node.func)}()")
            offenders += [f"{relative}: {function.name} is @{ast.unparse(d)}" for d in function.decorator_list]
    assert not offenders, f"A positional exception writes: make it keyword-only. {offenders}"


# One verb language, French like the domain: a service's name is `<what>_<verb>` (marche_enregistrer,
# seuil_enregistrer, bilan_generer). A new English verb (save, delete...) fails here.
VERBES = ("enregistrer", "supprimer", "creer", "modifier", "archiver", "importer", "actualiser", "recalculer",
          "purger", "generer", "regenerer", "demander", "publier", "adopter", "mettre_en_vigueur", "stocker",
          "appliquer", "attribuer", "calculer", "verifier", "deriver", "charger", "copier", "noter",
          "marquer_faite", "obtenir_ou_creer", "obtenir_ou_creer_par_siret")
# Reads, formatters and pure helpers that live in service modules (not actions, so no verb): named after what
# they return.
NOT_ACTIONS = {
    "clauses/services.py": {"clause_parametres_effectifs", "clause_texte_rendu"},
    "facilitateurs/services.py": {"add_months", "validite_par_defaut", "premier_du_mois", "mois_libelle",
                                  "heures_libelle", "mois_dans_emploi", "heures_anomalies", "suivi_6_mois_du",
                                  "heures_max_par_mois", "mise_en_emploi_mois_hors", "participants_a_purger"},
    "marches/services.py": {"conventions_bloquant_acheteur", "conventions_message"},
    "marches/etat.py": {"considerations_des_clauses", "considerations_effectives", "considerations_deduites_seules",
                        "declarees_depuis_fichier", "alerte_lots"},
    "marches/decp_services.py": {"import_verrou"},  # a context manager: the lock itself
}


def test_services_speak_one_verb_language():
    offenders, stale = [], []
    for relative in SERVICE_MODULES:
        others = NOT_ACTIONS.get(relative, set())
        names = {function.name for function in _public_functions(relative)}
        for name in sorted(names - others):
            if not name.endswith(tuple(f"_{verb}" for verb in VERBES)):
                offenders.append(f"{relative}: {name}")
        stale += [f"{relative}: {name}" for name in sorted(others - names)]
    assert not offenders, f"Service names end with a French verb of VERBES (as marche_enregistrer): {offenders}"
    assert not stale, f"Names listed as exceptions that no longer exist: {stale}"


def test_the_verb_check_refuses_an_english_verb():
    assert not "marche_save".endswith(tuple(f"_{verb}" for verb in VERBES))
    assert "marche_enregistrer".endswith(tuple(f"_{verb}" for verb in VERBES))
