"""Version of the business data, for caches of figures computed from it (the dashboards' indicators).

A cached figure is stored under the data version current when its computation started; any change of the data
moves the version, so a figure of an older version is never served again. The version moves:
- on every save or delete of a model of the business apps (signals; at once, and again after the commit, so
  that a figure computed from data read before the commit cannot outlive it);
- after every successful POST/PUT/PATCH/DELETE request (bulk imports write without signals) and after every
  background task (imports and purges run in the worker);
- bulk commands outside both call `donnees_modifiees()` themselves; a command that saves thousands of rows
  through the services (the demo seed) wraps them in `donnees_modifiees_une_fois()`: the version moves once at
  the end instead of twice per row (with the file cache of `make run`, two file writes per row).
A time limit (settings.INDICATEURS_CACHE_SECONDES) bounds what a change made outside the application (SQL by
hand) could leave stale."""

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "donnees:version"
BUSINESS_APPS = ("core", "marches", "clauses", "facilitateurs", "fse", "bilans", "spaser")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Bookkeeping, not business data: their writes do not move the version (a job's state; the figures computed from
# the data, bilans.figures: storing them must not make them stale at once).
# Nor do the user accounts: no figure counts users, and a log-in saves the user (last_login).
MODELES_HORS_DONNEES = {"core.Tache", "bilans.FiguresCalculees", "core.User", "core.HistoricalUser"}
# Account views (log in and out, passwords) write only the user's own account: their POST does not move the
# version, else every log-in would make every stored figure stale and queue its recomputation.
VUES_COMPTE = {"login", "logout", "password_change", "password_reset", "password_reset_confirm"}
# Job types (core.jobs) that only read the business data: their end does not move the version (config.celery).
TACHES_LECTURE_SEULE = {"indicateurs"}


def donnees_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _incr():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from what was cached under the old one
        cache.set(VERSION_KEY, donnees_version() + 1, timeout=None)


_regroupees: ContextVar[list | None] = ContextVar("donnees_regroupees", default=None)


def donnees_modifiees(**_kwargs) -> None:
    regroupees = _regroupees.get()
    if regroupees is not None:  # inside donnees_modifiees_une_fois(): noted, moved once at its end
        regroupees.append(True)
        return
    _incr()
    transaction.on_commit(_incr)


@contextmanager
def donnees_modifiees_une_fois():
    """The writes of the block move the data version once, when it ends (in this thread or task only)."""
    if _regroupees.get() is not None:  # nested: the outer block moves it
        yield
        return
    jeton = _regroupees.set([])
    try:
        yield
    finally:
        modifiees = _regroupees.get()
        _regroupees.reset(jeton)
        if modifiees:
            donnees_modifiees()


def cle(prefix: str, **parametres) -> str:
    """Cache key of a figure: prefix, data version, and the parameters (objects by primary key)."""
    parts = sorted((k, getattr(v, "pk", v)) for k, v in parametres.items())
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"{prefix}:{donnees_version()}:{digest}"


def brancher_signaux(apps_registry) -> None:
    from django.db.models.signals import post_delete, post_save

    for model in apps_registry.get_models():
        if model._meta.app_label in BUSINESS_APPS and model._meta.label not in MODELES_HORS_DONNEES:
            uid = f"donnees:{model._meta.label}"
            post_save.connect(donnees_modifiees, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(donnees_modifiees, sender=model, weak=False, dispatch_uid=uid)


class DonneesModifieesMiddleware:
    """A successful write request moves the data version (after ATOMIC_REQUESTS committed it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        vue = request.resolver_match.view_name if request.resolver_match else None
        if request.method in UNSAFE_METHODS and response.status_code < 400 and vue not in VUES_COMPTE:
            _incr()
        return response
