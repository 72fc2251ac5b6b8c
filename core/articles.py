"""The article an organisation's name takes in a French sentence: "désigné par le Département des Landes",
"le clausier de la Communauté d'agglomération", "remis à l'Office public de l'habitat", but "désigné par
Landes Habitat" (a proper name takes none).

The rule reads the name's first word: a common noun of the public sector gets its article by gender (vowel or
mute h: l'), a name that already starts with an article keeps it ("Le Grand Dax" -> "du Grand Dax"), anything
else is a proper name, without article. The prepositions « de » and « à » contract (du, au, des, aux)."""

import unicodedata

MASCULINS = {
    "département", "conseil", "centre", "syndicat", "service", "groupement", "ministère", "rectorat", "musée",
    "port", "collège", "lycée", "sdis", "ccas", "cias", "sivom", "sivu", "pôle", "parc", "bailleur", "gip",
    "territoire", "hôpital", "office", "établissement", "opac", "ehpad", "institut", "etablissement",
}
FEMININS = {
    "commune", "ville", "région", "communauté", "agglomération", "métropole", "direction", "collectivité",
    "préfecture", "mairie", "université", "chambre", "caisse", "maison", "régie", "société", "sem", "spl",
    "association", "agence", "académie", "entente",
}
PLURIELS = {"hospices", "archives"}
ARTICLES = {"le": "le ", "la": "la ", "les": "les ", "l'": "l'", "l’": "l'"}
VOYELLES = "aeiouyh"


def _sans_accent(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", texte) if unicodedata.category(c) != "Mn")


def article_et_reste(nom: str) -> tuple[str, str]:
    """("le ", "Département des Landes"), ("l'", "Office public de l'habitat"), ("", "Landes Habitat")."""
    nom = " ".join((nom or "").split())
    if not nom:
        return "", ""
    premier = nom.split(" ")[0]
    bas = premier.lower()
    for ecrit in ("l'", "l’"):
        if bas.startswith(ecrit) and len(bas) > 2:
            return "l'", nom[2:]
    if bas in ARTICLES and " " in nom:
        return ARTICLES[bas], nom[len(premier) + 1:]
    mot = bas.split("-")[0].split("'")[0]
    if mot in PLURIELS:
        return "les ", nom
    if mot in MASCULINS or mot in FEMININS:
        if _sans_accent(mot)[:1] in VOYELLES:
            return "l'", nom
        return ("le " if mot in MASCULINS else "la "), nom
    return "", nom


def avec_article(nom: str, preposition: str = "") -> str:
    """The name with its article after a preposition (« de », « à », « par »... or none), contracted:
    avec_article("Département des Landes", "de") == "du Département des Landes"."""
    article, reste = article_et_reste(nom)
    preposition = preposition.strip()
    if preposition.lower() in ("de", "d'", "d’"):
        if article == "le ":
            return f"du {reste}"
        if article == "les ":
            return f"des {reste}"
        if not article and _sans_accent(reste)[:1].lower() in VOYELLES:
            return f"d'{reste}"
        return f"de {article}{reste}"
    if preposition.lower() == "à":
        if article == "le ":
            return f"au {reste}"
        if article == "les ":
            return f"aux {reste}"
        return f"à {article}{reste}"
    return f"{preposition} {article}{reste}" if preposition else f"{article}{reste}"
