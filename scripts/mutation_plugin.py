"""Root conftest of the mutation work copy only (scripts/mutation.py copies it there as conftest.py).

mutmut runs every mutant in a process forked from its main process, and each run is a whole pytest session.
Two things would go wrong with the test settings as they are:
- the test database's file name holds the pid of the process that imported the settings (the main one), so
  two mutants run side by side would create, use and delete the same file;
- each session would migrate a fresh database (about 5 s), or at least check its migrations (2-3 s), which
  is most of a mutant's cost.
So each session takes a free slot (an flock held until the session ends), copies a database migrated once
beforehand (MUTATION_DB_TEMPLATE) into the slot's file and uses it as is (django_db_setup below does
nothing): every mutant starts from the same freshly migrated state, and no two sessions share a file.
The tests written for the rules (test_regles_*.py) run first, so that a mutant is usually killed by its
first test (`-x`)."""

import fcntl
import os
import shutil
from pathlib import Path

import pytest

_lock = None


def _close_connections():
    from django.db import connections

    connections.close_all()


def pytest_configure(config):
    global _lock
    template = os.environ.get("MUTATION_DB_TEMPLATE")
    if not template:
        return
    folder = Path(template).parent
    for slot in range(64):
        handle = open(folder / f"slot-{slot}.lock", "w")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _lock = handle
        break
    else:
        raise RuntimeError("mutation: no free database slot")
    name = str(folder / f"slot-{slot}.sqlite3")
    shutil.copyfile(template, name)
    from django.conf import settings

    _close_connections()  # a forked session must not write through its parent's connection
    db = settings.DATABASES["default"]
    db["NAME"] = name
    db.setdefault("TEST", {})["NAME"] = name


def pytest_unconfigure(config):
    global _lock
    if _lock is not None:
        _close_connections()
        fcntl.flock(_lock, fcntl.LOCK_UN)
        _lock.close()
        _lock = None


@pytest.fixture(scope="session")
def django_db_setup():
    """The slot's copy of the migrated template is the test database: nothing to create, nothing to destroy."""
    if not os.environ.get("MUTATION_DB_TEMPLATE"):
        raise RuntimeError("mutation conftest used outside scripts/mutation.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: 0 if item.path.name.startswith("test_regles_") else 1)
