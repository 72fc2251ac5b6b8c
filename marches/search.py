"""The contract list's full-text search: one normalised column (`Marche.recherche`: object, identifier,
awardees' names and SIRETs, lower case without accents) searched with LIKE '%…%'. On PostgreSQL a trigram
index (pg_trgm, migration 0006) serves it, so a search over 100,000 contracts stays fast; the column is part
of a contract's derived state, kept up to date by marches.etat on every write (contract, attributions,
a company's rename, imports)."""

import unicodedata


def normaliser(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return " ".join(text.split())


def texte_recherche(*, objet: str, identifiant: str, entreprises=()) -> str:
    """entreprises: (nom, siret) pairs."""
    parts = [identifiant or "", objet or ""]
    for nom, siret in entreprises:
        parts += [nom or "", siret or ""]
    return normaliser(" ".join(p for p in parts if p))


def terme(query: str) -> str:
    """What the user typed, normalised like the column ('732 829 320' -> '732829320')."""
    compact = "".join((query or "").split())
    if compact.isdigit():
        return compact
    return normaliser(query)
