"""Small helpers shared by every app: SIRET checks, départements from postal codes, chunks of a list, French
decimals."""

import gc
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its two digits added (Luhn)


def luhn_ok(digits: str) -> bool:
    """The Luhn key: from the right, every second digit doubled (its digits added), the total a multiple of 10.
    Digits only (the callers check); sums over slices, as an import checks tens of thousands of SIRETs."""
    total = sum(map(int, digits[-1::-2])) + sum(_DOUBLE[int(c)] for c in digits[-2::-2])
    return total % 10 == 0


LA_POSTE_SIREN = "356000000"


def siret_ok(siret: str) -> bool:
    """14 digits and the Luhn key; La Poste's establishments use a digit sum divisible by 5."""
    if not siret or len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        return False
    return _cle_siret_ok(siret)


@lru_cache(maxsize=65536)  # an import checks each company's SIRET once per contract it holds
def _cle_siret_ok(siret: str) -> bool:
    if siret.startswith(LA_POSTE_SIREN):
        return luhn_ok(siret) or sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret)


def siret_error(siret: str) -> str | None:
    """A French sentence saying what is wrong with a SIRET, or None."""
    if not siret:
        return "Le SIRET est vide."
    if not (siret.isascii() and siret.isdigit()):  # "²" or "١" are digits for str.isdigit()
        return "Le SIRET ne doit contenir que des chiffres."
    if len(siret) != 14:
        return f"Le SIRET doit compter 14 chiffres ({len(siret)} saisis)."
    if not siret_ok(siret):
        return "Le SIRET est invalide (clé de contrôle incorrecte)."
    return None


def normalise_siret(value) -> str:
    return "".join(ch for ch in str(value or "") if not ch.isspace())


def departement_from_code_postal(code_postal: str) -> str:
    """'40000' -> '40'; Corsica 20xxx -> 2A/2B; overseas 97x/98x -> 3 digits."""
    code = (code_postal or "").strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


def texte_interdit(text: str) -> bool:
    """NUL bytes and lone surrogates cannot be stored (PostgreSQL refuses them): importers refuse such text."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@contextmanager
def sans_ramasse_miettes():
    """Python's cycle collector paused (usable as a decorator) while a bulk import builds and drops millions of
    objects that reference counting alone frees (a 20 MB DECP file parsed, its contracts derived): each automatic
    collection walks every live object again, 20-25 % of the import's time (bench/bench_marches.py). Restored as
    it was when the block ends, error or not."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


def chunks(values, size: int = 2000):
    """Lists of at most `size` items of `values` (any iterable), in order: for IN (...) queries and bulk writes
    (SQLite takes 999 parameters a query, PostgreSQL 65,535)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


ESPACES_NOMBRE = ("\u202f", "\u00a0", " ")  # thousands separators a French number may carry


def decimal_fr(texte) -> Decimal:
    """A decimal number as a French user or spreadsheet writes it: '1 234,56' (plain, non-breaking or narrow
    spaces), '1234,56' or '1234.56' -> Decimal('1234.56'). Raises decimal.InvalidOperation for anything else,
    infinities and NaN included: the one parser of the imports and query parameters."""
    texte = str(texte).strip()
    for espace in ESPACES_NOMBRE:
        texte = texte.replace(espace, "")
    nombre = Decimal(texte.replace(",", "."))
    if not nombre.is_finite():
        raise InvalidOperation(texte)
    return nombre
