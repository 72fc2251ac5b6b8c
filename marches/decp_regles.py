"""What an importer keeps with a note (an *anomaly*) and what makes it refuse the file (an *error*), for the
values both importers read: the DECP files (marches.decp) and the contract register (marches.register).

Written once so that whatever one import accepts, the other accepts too: a contract that came from a DECP
file with a SIRET whose check digit is wrong, without an id, or with its place given as a name, goes out in
the register and comes back in unchanged, with the same anomalies reported.

Each rule returns a `Verdict`: the value to store, and at most one anomaly or one error (French sentences).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from core.utils import siret_ok, texte_interdit

from .enums import TypeIdentifiant, TypeLieu

DECP_ID_MAX = 16  # IdentifiantMarche in the DECP schema: the published id's length (marches.decp_id)

IDENTIFIANT_MAX = 32  # Marche.identifiant
ENTREPRISE_ID_MAX = 20  # Entreprise.siret
LIEU_CODE_MAX = 10  # Marche.lieu_code
CPV_RE = re.compile(r"^[0-9]{8}(-[0-9])?$")
# The codes whose shape is known: a postal code and an INSEE commune code (2A/2B in Corsica).
LIEU_FORMES = {TypeLieu.CODE_POSTAL: re.compile(r"^[0-9]{5}$"), TypeLieu.COMMUNE: re.compile(r"^[0-9][0-9AB][0-9]{3}$")}


@dataclass
class Verdict:
    valeur: object
    anomalie: str | None = None
    erreur: str | None = None


def sans_espaces(value) -> str:
    return "".join(str(value if value is not None else "").split())


def acheteur_siret(value) -> Verdict:
    """14 digits, or the file is refused (a buyer is known by its SIRET); a wrong check digit is kept."""
    siret = sans_espaces(value)
    if not siret:
        return Verdict("", erreur="SIRET de l'acheteur absent")
    if not re.fullmatch(r"[0-9]{14}", siret):
        return Verdict(siret, erreur=f"SIRET de l'acheteur illisible « {siret} » (14 chiffres attendus)")
    if not siret_ok(siret):
        return Verdict(siret, anomalie=f"SIRET de l'acheteur invalide « {siret} » (clé de contrôle) : conservé tel quel")
    return Verdict(siret)


def entreprise_identifiant(value, type_identifiant: str = "") -> Verdict:
    """A company's identifier (SIRET, VAT number…): at most 20 printable characters, or an error; a SIRET
    whose key is wrong is kept and reported. The value is (identifier, type); without a type, digits are
    a SIRET and anything else a VAT number."""
    ident = sans_espaces(value)
    if not ident:
        return Verdict(("", ""))
    if len(ident) > ENTREPRISE_ID_MAX:
        return Verdict((ident, ""), erreur=f"identifiant d'entreprise trop long « {ident} » "
                                           f"({ENTREPRISE_ID_MAX} caractères au plus)")
    if texte_interdit(ident) or not ident.isprintable():
        return Verdict((ident, ""), erreur=f"identifiant d'entreprise illisible « {ident} »")
    type_identifiant = type_identifiant or (TypeIdentifiant.SIRET if ident.isdigit() else TypeIdentifiant.TVA)
    if type_identifiant == TypeIdentifiant.SIRET and not siret_ok(ident):
        return Verdict((ident, str(type_identifiant)), anomalie=f"SIRET invalide « {ident} » conservé tel quel")
    return Verdict((ident, str(type_identifiant)))


def marche_identifiant(value) -> Verdict:
    """The buyer's own id of a contract: empty is kept (the contract is then known by its published id or its
    content), longer than 32 characters is refused."""
    ident = str(value if value is not None else "").strip()
    if not ident:
        return Verdict("", anomalie="identifiant vide")
    if len(ident) > IDENTIFIANT_MAX:
        return Verdict(ident, erreur=f"identifiant de {len(ident)} caractères ({IDENTIFIANT_MAX} au plus)")
    return Verdict(ident)


def code_cpv(value) -> Verdict:
    """8 digits and an optional check digit; spaces are removed (reported), anything else is refused."""
    raw = str(value if value is not None else "").strip()
    code = sans_espaces(raw)
    if not code:
        return Verdict("")
    if not CPV_RE.match(code):
        return Verdict(code, erreur=f"code CPV illisible « {raw} » (8 chiffres attendus, ex. 45233140)")
    if code != raw:
        return Verdict(code, anomalie=f"code CPV « {raw} » nettoyé")
    return Verdict(code)


def entier(number: Decimal, texte) -> Verdict:
    """A count or a duration read as a number (already checked positive and within the column): a decimal
    is rounded and reported."""
    if number != number.to_integral():
        return Verdict(int(number.to_integral()), anomalie=f"nombre entier attendu, {texte} arrondi")
    return Verdict(int(number))


def lieu(code, type_code, nom="") -> Verdict:
    """A place of execution: value (code, type, name). A code that does not have its type's shape (a town name
    in the postal code) is kept as the place's name, the code left empty, and reported."""
    code = str(code if code is not None else "").strip()
    nom = str(nom if nom is not None else "").strip()
    if not code:
        return Verdict(("", type_code, nom))
    forme = LIEU_FORMES.get(type_code)
    mal_forme = (forme is not None and not forme.match(code)) or len(code) > LIEU_CODE_MAX \
        or not any(ch.isdigit() for ch in code) and type_code != TypeLieu.PAYS
    if mal_forme:
        return Verdict(("", "", nom or code), anomalie=f"« {code} » n'est pas un {str(type_code or 'code').lower()} : "
                                                       "gardé comme nom du lieu")
    return Verdict((code, type_code, nom))
