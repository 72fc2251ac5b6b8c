"""The contract list's full-text search: one normalised column (`Marche.recherche`: object, identifier,
awardees' names and SIRETs, lower case without accents) searched with LIKE '%…%'. On PostgreSQL a trigram
index (pg_trgm, migration 0006) serves it, so a search over 100,000 contracts stays fast; the column is kept
up to date by Marche.save(), the attribution and company services and the imports."""

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


def recherche_rafraichir(marche_ids) -> None:
    """Recompute the search text of these contracts (derived data: no history row)."""
    from .models import Attribution, Marche

    marche_ids = list(marche_ids)
    if not marche_ids:
        return
    entreprises = {}
    for marche_id, nom, siret in Attribution.objects.filter(marche_id__in=marche_ids).values_list(
            "marche_id", "entreprise__nom", "entreprise__siret").distinct():
        entreprises.setdefault(marche_id, []).append((nom, siret))
    marches = list(Marche.objects.filter(pk__in=marche_ids).only("id", "objet", "identifiant", "recherche"))
    changed = []
    for marche in marches:
        texte = texte_recherche(objet=marche.objet, identifiant=marche.identifiant,
                                entreprises=entreprises.get(marche.pk, []))
        if texte != marche.recherche:
            marche.recherche = texte
            changed.append(marche)
    Marche.objects.bulk_update(changed, ["recherche"], batch_size=1000)
