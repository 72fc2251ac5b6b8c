"""One import pipeline for every file the application reads: DECP (JSON/XML, marches.decp), the contract register,
participants and monthly hours (CSV or XLSX).

    Probleme                 one problem of a file: file, row (or DECP record), column, reason; an error refuses
                             the file, an anomalie is kept and reported. Rendered the same way everywhere
                             (str(), as_dict(), templates/core/_problemes.html).
    FichierRefuse            raised by the reader when a file cannot be read or passes a limit; carries a Probleme
    lire_tableau(data=, path=, fichier=) -> Tableau
                             the one reader of CSV and XLSX tables: encoding (UTF-8 with or without BOM, else
                             Windows-1252) and separator (; , or tab) detected, rows bounded
                             (IMPORT_LIGNES_MAX), columns bounded (IMPORT_COLONNES_MAX) and cut to the header,
                             an XLSX's declared <dimension> ignored (never padded to it); stops at the first limit.
    erreurs_bornees(...)     at most IMPORT_ERREURS_MAX errors kept, then one closing message
    mode_import(taille=)     the policy upload -> preview -> write: "direct" up to IMPORT_TACHE_SEUIL_OCTETS, else
                             "tache" (the confirmed write runs in a background job, core.jobs)
    import_confirmer(...)    applies it: runs the import in the request, or enqueues its job
    import_fichier_stocker(fichier=) -> (token, path)
                             keeps an uploaded file until its import is confirmed (files never confirmed are
                             removed after a day: imports_abandonnes_purger); import_fichier_supprimer(path=)
    apercu_lire(token=, calculer=)
                             the preview of a waiting upload, parsed once and kept (a reload never parses again)
    problemes_affiches(...)  the first ERREURS_AFFICHEES problems a page shows, and how many more
    import_en_attente_noter / _lire / _retirer
                             the uploads waiting for confirmation, kept in the uploader's session by token: another
                             user's token is unknown (404); a stored file gone (expired) raises ImportExpire
    journal_enregistrer(...) records an import in the one journal, core.ImportJournal

Limits are settings (defaults below), read at call time so tests can lower them."""

import csv
import datetime
import io
import os
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

LIGNES_MAX = 1_000_000
COLONNES_MAX = 500
ERREURS_MAX = 1_000
TACHE_SEUIL_OCTETS = 1_000_000  # about 15,000 hour rows: beyond, the confirmed import runs as a background job

ERREUR = "erreur"
ANOMALIE = "anomalie"


def limite(nom: str) -> int:
    defauts = {"IMPORT_LIGNES_MAX": LIGNES_MAX, "IMPORT_COLONNES_MAX": COLONNES_MAX,
               "IMPORT_ERREURS_MAX": ERREURS_MAX, "IMPORT_TACHE_SEUIL_OCTETS": TACHE_SEUIL_OCTETS}
    return int(getattr(settings, nom, defauts[nom]))


def lisible(text) -> str:
    """A text safe to store and show: NUL bytes and lone surrogates written as escapes."""
    text = str(text)
    if text.isascii() and "\x00" not in text:
        return text
    return _echappe(text) if len(text) <= 500 else _echappe.__wrapped__(text)  # long ones: not kept in memory


@lru_cache(maxsize=4096)  # a file's problems repeat the same few sentences (and its name) row after row
def _echappe(text: str) -> str:
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class Probleme:
    """One problem of an imported file. `ligne`: the spreadsheet row (the header is row 1); `index`: a DECP
    record's position in its file (0-based); neither: the whole file. `nature`: ERREUR (the file is refused,
    nothing written) or ANOMALIE (the value is kept, repaired, and reported)."""

    fichier: str
    ligne: int | None = None
    colonne: str = ""
    raison: str = ""
    nature: str = ERREUR
    index: int | None = None
    identifiant: str = ""

    def __post_init__(self):
        # Reasons quote the file's values: no NUL byte nor lone surrogate may reach the report or the journal.
        self.identifiant, self.colonne, self.raison = lisible(self.identifiant), lisible(self.colonne), \
            lisible(self.raison)

    # DECP's names for the same things.
    @property
    def champ(self) -> str:
        return self.colonne

    @property
    def message(self) -> str:
        return self.raison

    @property
    def id(self) -> str:
        return self.identifiant

    @property
    def lieu(self) -> str:
        if self.ligne is not None:
            return f"ligne {self.ligne}"
        if self.index is not None:
            return f"contrat n° {self.index + 1}"
        return "fichier"

    def as_dict(self) -> dict:
        return {"fichier": self.fichier, "ligne": self.ligne, "colonne": self.colonne, "raison": self.raison,
                "nature": self.nature, "index": self.index, "id": self.identifiant, "lieu": self.lieu,
                "champ": self.colonne, "message": self.raison}

    def __str__(self):
        ident = f" (id « {self.identifiant} »)" if self.identifiant else ""
        colonne = f", {'colonne' if self.ligne is not None else 'champ'} « {self.colonne} »" if self.colonne else ""
        return f"{self.fichier} : {self.lieu}{ident}{colonne} : {self.raison}"


class FichierRefuse(Exception):
    def __init__(self, probleme: Probleme):
        super().__init__(str(probleme))
        self.probleme = probleme


def erreurs_bornees(erreurs: list, fichier: str) -> bool:
    """True when `erreurs` reached IMPORT_ERREURS_MAX: the list is cut there and closed by one message (the
    caller stops reading). A file with that many errors is not the one the user meant to send."""
    maximum = limite("IMPORT_ERREURS_MAX")
    if len(erreurs) < maximum:
        return False
    del erreurs[maximum:]
    erreurs.append(Probleme(fichier, None, "", f"plus de {maximum} erreurs : lecture arrêtée, corrigez d'abord "
                                               f"celles-ci (rien n'a été enregistré)"))
    return True


# --- Tables (CSV, XLSX) ----------------------------------------------------------------------------

@dataclass
class Tableau:
    fichier: str
    colonnes: list[str]  # the header's names, stripped and lower-cased
    lignes: list[list[str]] = field(default_factory=list)  # data rows, as many cells as columns; row i is line i + 2


def _refus(fichier, raison, ligne=None):
    return FichierRefuse(Probleme(fichier, ligne, "", raison))


def lire_tableau(*, data: bytes | None = None, path: str | None = None, fichier: str | None = None) -> Tableau:
    """The header and rows of a CSV or XLSX table (bytes or a path). Raises FichierRefuse (file, reason) when
    the file is unreadable, empty or past a limit (rows, columns)."""
    fichier = fichier or os.path.basename(path or "")
    if data is None:
        with open(path, "rb") as handle:
            data = handle.read()
    if data[:2] == b"PK" or fichier.lower().endswith(".xlsx"):
        rows = _xlsx(data, fichier)
    else:
        rows = _csv(data, fichier)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise _refus(fichier, "le fichier est vide")
    colonnes = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    while colonnes and not colonnes[-1]:
        colonnes.pop()
    n = len(colonnes)
    lignes = [row[:n] + [""] * (n - len(row)) if len(row) != n else row for row in rows[1:]]
    return Tableau(fichier=fichier, colonnes=colonnes, lignes=lignes)


def _trop_de_lignes(fichier, n):
    return _refus(fichier, f"plus de {n:,} lignes : lecture arrêtée (découpez le fichier)".replace(",", "\u202f"))


def _trop_de_colonnes(fichier, maximum):
    return _refus(fichier, f"plus de {maximum} colonnes dans l'en-tête : lecture arrêtée", ligne=1)


def _decoder(data: bytes, fichier: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _refus(fichier, "le fichier n'est pas lisible en UTF-16") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # a CSV saved by a French spreadsheet without choosing UTF-8
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _refus(fichier, "le fichier n'est pas encodé en UTF-8 (ni en Windows-1252)") from exc


def _csv(data: bytes, fichier: str) -> list[list[str]]:
    import pandas as pd

    text = _decoder(data, fichier)
    first = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first.count) if any(s in first for s in ";,\t") else ";"
    maximum = limite("IMPORT_COLONNES_MAX")
    try:
        header = next(csv.reader(io.StringIO(first.rstrip("\r")), delimiter=sep), [])
    except csv.Error as exc:
        raise _refus(fichier, f"CSV illisible ({exc})", ligne=1) from exc
    while header and not header[-1].strip():
        header.pop()
    if len(header) > maximum:
        raise _trop_de_colonnes(fichier, maximum)
    if not header:
        raise _refus(fichier, "le fichier est vide")
    lignes_max = limite("IMPORT_LIGNES_MAX")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, na_filter=False,
                            skip_blank_lines=False, usecols=range(len(header)), nrows=lignes_max + 2,
                            engine="c", quotechar='"')
    except Exception as exc:  # noqa: BLE001 - pandas raises many kinds of errors on garbage: the user's file
        raise _refus(fichier, f"CSV illisible ({exc.__class__.__name__})") from exc
    if len(frame) > lignes_max + 1:
        raise _trop_de_lignes(fichier, lignes_max)
    return [[cell.strip() for cell in row] for row in frame.itertuples(index=False, name=None)]


def _cellule(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _xlsx(data: bytes, fichier: str) -> list[list[str]]:
    from openpyxl import load_workbook

    maximum, lignes_max = limite("IMPORT_COLONNES_MAX"), limite("IMPORT_LIGNES_MAX")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file, not a bug
        raise _refus(fichier, f"classeur XLSX illisible ({exc.__class__.__name__})") from exc
    try:
        if not workbook.worksheets:
            raise _refus(fichier, "le classeur XLSX ne contient aucune feuille")
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # a declared <dimension> (A1:XFD1048576) would pad every row to it
        rows, largeur = [], None
        for row in sheet.iter_rows(values_only=True, max_col=maximum + 1):
            cells = [_cellule(v) for v in row]
            if largeur is None:  # the header: its width bounds every row
                while cells and not cells[-1]:
                    cells.pop()
                if len(cells) > maximum:
                    raise _trop_de_colonnes(fichier, maximum)
                largeur = len(cells)
            else:
                cells = cells[:largeur]
            rows.append(cells)
            if len(rows) > lignes_max + 1:
                raise _trop_de_lignes(fichier, lignes_max)
        return rows
    except FichierRefuse:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _refus(fichier, f"classeur XLSX illisible ({exc.__class__.__name__})") from exc
    finally:
        workbook.close()


# --- Upload -> preview -> write ----------------------------------------------------------------------

MODE_DIRECT = "direct"
MODE_TACHE = "tache"


def mode_import(*, taille: int) -> str:
    """The one policy for a confirmed import: written in the request up to IMPORT_TACHE_SEUIL_OCTETS bytes,
    by a background job (core.jobs) above."""
    return MODE_TACHE if taille > limite("IMPORT_TACHE_SEUIL_OCTETS") else MODE_DIRECT


def import_confirmer(*, taille: int, executer, job_type: str, parametres, user=None, organisation=None):
    """Write a confirmed import by the one policy (mode_import): `executer()` in the request for a small file,
    else a background job `job_type` (registered with core.jobs.register; it reads `parametres`, a dict or a
    function returning it, called only then, e.g. to store the file; the job raises when the file is refused:
    nothing written). Returns (MODE_DIRECT, what executer returned) or (MODE_TACHE, the Tache)."""
    if mode_import(taille=taille) == MODE_TACHE:
        from .jobs import job_enqueue

        parametres = parametres() if callable(parametres) else parametres
        return MODE_TACHE, job_enqueue(type=job_type, parametres=parametres, user=user, organisation=organisation)
    return MODE_DIRECT, executer()


IMPORT_DIR = "imports_tmp"
SESSION_CLE = "imports_en_attente"


def import_fichier_stocker(*, fichier) -> tuple[str, str]:
    """Keep an uploaded import file until the user confirms it; returns (token, storage path). Files never
    confirmed are removed after a day (they may hold personal data)."""
    imports_abandonnes_purger()
    extension = os.path.splitext(fichier.name)[1].lower()
    token = uuid.uuid4().hex
    fichier.seek(0)
    return token, default_storage.save(f"{IMPORT_DIR}/{token}{extension}", fichier)


def import_fichier_supprimer(*, path: str) -> None:
    default_storage.delete(path)


def imports_abandonnes_purger(*, max_age=datetime.timedelta(days=1)) -> None:
    try:
        _, files = default_storage.listdir(IMPORT_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    limite_date = timezone.now() - max_age
    for name in files:
        path = f"{IMPORT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limite_date:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


APERCU_SECONDES = 24 * 3600  # as long as the stored file (imports_abandonnes_purger)
ERREURS_AFFICHEES = 100


def apercu_lire(*, token: str, calculer):
    """The preview of the waiting upload `token`: computed once (`calculer()`, the dry run that parses the file)
    and kept in the cache, so that reloading the preview page never parses the file again. The token is checked
    first by import_en_attente_lire (only the uploader knows it)."""
    cle = f"import-apercu:{token}"
    resultat = cache.get(cle)
    if resultat is None:
        resultat = calculer()
        cache.set(cle, resultat, APERCU_SECONDES)
    return resultat


def apercu_oublier(*, token: str) -> None:
    cache.delete(f"import-apercu:{token}")


def problemes_affiches(problemes: list, maximum: int = ERREURS_AFFICHEES) -> tuple[list, int]:
    """The first `maximum` problems to show on a page, and how many more there are ("et N autres")."""
    return problemes[:maximum], max(0, len(problemes) - maximum)


class ImportExpire(Http404):
    """The token is the user's, but its stored file is gone (imported, or removed after a day)."""


def import_en_attente_noter(request, *, token: str, item: dict) -> None:
    """Remember an uploaded file waiting for confirmation (`item`: at least its storage "path" and "nom") in the
    uploader's session: only they can preview or confirm it."""
    en_attente = request.session.get(SESSION_CLE, {})
    en_attente[token] = item
    request.session[SESSION_CLE] = en_attente


def import_en_attente_lire(request, *, token: str) -> dict:
    """The waiting upload `token` of this user. Http404 when the token is not theirs (or unknown);
    ImportExpire (a 404 too) when its file is no longer stored."""
    item = request.session.get(SESSION_CLE, {}).get(token)
    if item is None:
        raise Http404("Import introuvable.")
    if not default_storage.exists(item["path"]):
        raise ImportExpire("Import introuvable ou expiré.")
    return item


def import_en_attente_retirer(request, *, token: str) -> None:
    en_attente = request.session.get(SESSION_CLE, {})
    en_attente.pop(token, None)
    request.session[SESSION_CLE] = en_attente


# --- Journal -----------------------------------------------------------------------------------------

def journal_enregistrer(*, format: str, fichier: str, user=None, nb_lus: int = 0, nb_crees: int = 0,
                        nb_modifies: int = 0, nb_inchanges: int = 0, nb_anomalies: int = 0,
                        rapport: dict | None = None):
    """Record one import (or purge) in core.ImportJournal, inside the caller's transaction: it commits with the
    rows it describes, or not at all."""
    from .models import ImportJournal

    return ImportJournal.objects.create(
        format=format, fichier=fichier[:255], user=user if getattr(user, "is_authenticated", False) else None,
        nb_lus=nb_lus, nb_crees=nb_crees, nb_modifies=nb_modifies, nb_inchanges=nb_inchanges,
        nb_anomalies=nb_anomalies, rapport=rapport or {})
