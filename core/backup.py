"""Backup and restore of the whole database: pg_dump/pg_restore on PostgreSQL, SQLite's backup API
on the embedded default. Used by `manage.py sauvegarder` and `manage.py restaurer`."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_env_and_args(db):
    env = os.environ.copy()
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres"]
    return env, args


def _require(tool):
    if shutil.which(tool) is None:
        raise BackupError(f"L'outil {tool} est introuvable : installez le client PostgreSQL (postgresql-client).")


# A backup holds every participant's identity: readable by its owner only, in a folder only its owner can list.
MODE_FICHIER = 0o600
MODE_DOSSIER = 0o700


def dossier_sauvegardes(var_dir: Path) -> Path:
    """The default folder of `sauvegarder` (var/sauvegardes/), created or tightened to owner-only (0700)."""
    dossier = Path(var_dir) / "sauvegardes"
    dossier.mkdir(mode=MODE_DOSSIER, parents=True, exist_ok=True)
    os.chmod(dossier, MODE_DOSSIER)
    return dossier


def _fichier_prive(output: Path) -> None:
    """Create (or truncate) `output` as an owner-only file before anything is written into it.

    Folders that did not exist are created owner-only; an existing folder chosen by the operator is left as is."""
    manquants = [p for p in (output.parent, *output.parent.parents) if not p.exists()]
    for dossier in reversed(manquants):
        dossier.mkdir(mode=MODE_DOSSIER, exist_ok=True)
        os.chmod(dossier, MODE_DOSSIER)  # mkdir's mode goes through the umask
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE_FICHIER)
    try:
        os.fchmod(fd, MODE_FICHIER)  # an older backup of the same name may have had wider rights
    finally:
        os.close(fd)


def database_backup(*, output: Path, alias: str = "default") -> Path:
    db = connections[alias].settings_dict
    output = Path(output)
    _fichier_prive(output)
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(output)
        with target:
            source.backup(target)
        source.close()
        target.close()
        os.chmod(output, MODE_FICHIER)
        return output
    _require("pg_dump")
    env, args = _pg_env_and_args(db)
    # pg_dump writes into the owner-only file created above; its umask covers anything else it creates.
    result = subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
                             f"--file={output}", db["NAME"]], env=env, capture_output=True, text=True,
                            umask=0o077)
    if result.returncode:
        output.unlink(missing_ok=True)
        raise BackupError(f"pg_dump a échoué : {result.stderr.strip()}")
    os.chmod(output, MODE_FICHIER)
    return output


def database_restore(*, source: Path, alias: str = "default") -> None:
    source = Path(source)
    if not source.exists():
        raise BackupError(f"Fichier de sauvegarde introuvable : {source}")
    connection = connections[alias]
    db = connection.settings_dict
    connection.close()
    if db["ENGINE"].endswith("sqlite3"):
        try:
            backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} n'est pas une sauvegarde SQLite lisible ({exc}).") from exc
        target = sqlite3.connect(db["NAME"])
        with target:
            backup.backup(target)
        backup.close()
        target.close()
        return
    _require("pg_restore")
    env, args = _pg_env_and_args(db)
    check = subprocess.run(["pg_restore", "--list", str(source)], env=env, capture_output=True, text=True)
    if check.returncode:
        raise BackupError(f"{source} n'est pas une sauvegarde pg_dump lisible : {check.stderr.strip()}")
    result = subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                             "--single-transaction", f"--dbname={db['NAME']}", str(source)],
                            env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore a échoué (rien n'a été modifié) : {result.stderr.strip()}")
