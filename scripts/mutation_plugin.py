"""pytest plugin loaded only by `make mutation` (scripts/mutation.py), inside the mutation work copy.

mutmut runs every mutant in a process forked from its main process, and each run is a whole pytest session.
Two things would go wrong with the test settings as they are:
- the test database's file name holds the pid of the process that imported the settings (the main one), so
  two mutants run side by side would create, use and delete the same file;
- each session would migrate a fresh database (about 5 s), which is most of a mutant's cost.
So each session takes a free slot (an flock held until the session ends), copies a database migrated once
beforehand (MUTATION_DB_TEMPLATE) into the slot's file, and runs with --reuse-db on that file: every mutant
starts from the same freshly migrated state, without migrating, and no two sessions share a file."""

import fcntl
import os
import shutil
from pathlib import Path

_lock = None


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
    name = folder / f"slot-{slot}.sqlite3"
    shutil.copyfile(template, name)
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(name)
    config.option.reuse_db = True
    config.option.create_db = False


def pytest_unconfigure(config):
    global _lock
    if _lock is not None:
        fcntl.flock(_lock, fcntl.LOCK_UN)
        _lock.close()
        _lock = None
