"""The DECP download (public open data and the logged-in export): a file per data version, built once and then
served from disk, streamed.

    decp_fichier(acheteur=, annee=) -> Path   the file of the current data version (core.donnees) and day, built
                                               on the first request that needs it (marches.decp.export_ecrire,
                                               written record by record into a temporary file renamed at once:
                                               a reader never sees a half-written file), then reused
    decp_reponse(acheteur=, annee=, nom=)      a FileResponse of it (streamed by chunks, never in memory whole)

Why on the request and not by a job: every background task moves the data version when it ends (config.celery),
so a file built by a job would be stale as soon as it is stored. The build reads the version before the data: a
change during the build makes the next request build again, never the reverse. The day is in the key too: a
contract without a publication date is published with today's (marches.decp._marche_decp).

The file of a version is known through the cache (the same one that holds the version): if the cache is emptied
the version starts again from 1 and a file of an earlier life is never taken for the new one. Building a file
removes the files of the same buyer and year left by older versions. Two requests that find no file at once:
the first builds, the second waits for it to end (at most ATTENTE_SECONDES) and takes its file, or builds its own
when it failed.

The build still assigns the missing published ids (marches.decp_services.decp_ids_attribuer, one SELECT when
none is missing): once per data version now, no longer at every download."""

import contextlib
import datetime
import os
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse
from django.utils.http import content_disposition_header

from core.donnees import donnees_version

from . import decp

DOSSIER = "decp"
ATTENTE_SECONDES = 60
TEMPORAIRE_ABANDONNE_SECONDES = 3600  # a build's temporary file older than this was left by a killed process
CONTENT_TYPE = "application/json; charset=utf-8"


def _dossier() -> Path:
    return Path(settings.MEDIA_ROOT) / DOSSIER


def _creneau(acheteur, annee) -> str:
    """The file's name for a buyer (or all) and a year (or all)."""
    return f"decp-{acheteur.pk if acheteur is not None else 'tous'}-{annee or 'toutes'}"


def decp_fichier(*, acheteur=None, annee=None) -> Path:
    version, jour = donnees_version(), datetime.date.today().isoformat()  # the export's today
    creneau = _creneau(acheteur, annee)
    cle = f"decp-fichier:{version}:{jour}:{creneau}"
    nom = cache.get(cle)
    if nom and (_dossier() / nom).exists():
        return _dossier() / nom
    verrou = f"{cle}:construction"
    if not cache.add(verrou, 1, ATTENTE_SECONDES):  # another request builds it: wait for its end, then its file
        limite = time.monotonic() + ATTENTE_SECONDES
        while cache.get(verrou) is not None and time.monotonic() < limite:
            time.sleep(0.2)
        nom = cache.get(cle)
        if nom and (_dossier() / nom).exists():
            return _dossier() / nom  # else it failed (or outlasted the wait): build here
    try:
        chemin = _construire(acheteur, annee, creneau, version, jour)
        cache.set(cle, chemin.name, 24 * 3600)
    finally:
        cache.delete(verrou)
    return chemin


def _construire(acheteur, annee, creneau, version, jour) -> Path:
    dossier = _dossier()
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / f"{creneau}--{version}-{jour}-{uuid.uuid4().hex[:12]}.json"
    descripteur, temporaire = tempfile.mkstemp(dir=dossier, prefix=".construction-", suffix=".json")
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8") as out:
            decp.export_ecrire(out, acheteur=acheteur, annee=annee)
        os.replace(temporaire, chemin)  # atomic: a reader sees the whole file or none
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    for ancien in dossier.glob(f"{creneau}--*.json"):  # older versions' files of this buyer and year
        if ancien != chemin:
            ancien.unlink(missing_ok=True)  # a download reading it keeps its open file (POSIX)
    limite = time.time() - TEMPORAIRE_ABANDONNE_SECONDES
    for temporaire_ancien in dossier.glob(".construction-*"):  # left by a process killed while building
        with contextlib.suppress(FileNotFoundError):
            if temporaire_ancien.stat().st_mtime < limite:
                temporaire_ancien.unlink()
    return chemin


def decp_reponse(*, acheteur=None, annee=None, nom: str) -> FileResponse:
    """The DECP file as a download named `nom` (streamed from disk, Content-Length known)."""
    chemin = decp_fichier(acheteur=acheteur, annee=annee)
    try:
        handle = open(chemin, "rb")  # noqa: SIM115 - closed by the response
    except FileNotFoundError:  # removed between the lookup and here by a newer version's build: decp_fichier
        # finds the cached name's file gone and builds again
        handle = open(decp_fichier(acheteur=acheteur, annee=annee), "rb")  # noqa: SIM115
    response = FileResponse(handle, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, nom)
    return response
