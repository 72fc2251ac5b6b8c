"""DECP (données essentielles de la commande publique): lenient parsing of published files and strict export.

Reading (`parse_bytes`) accepts
- the v2 JSON of the official schema (`{"marches": {"marche": [...], "contrat-concession": [...]}}`),
- its real-world deviations: extra keys, empty arrays, numbers and booleans as strings, enum values
  spelled loosely (case, accents, apostrophes), wrapped or unwrapped lists;
- the pre-2024 v1 layout (`{"marches": [...]}`, flat titulaires, `formePrix` "Ferme"/"Révisable",
  nature "Accord-cadre"...);
- the v2 XML form (same element names), parsed with defusedxml (no entity expansion, no external entities).
Every repaired deviation is an *anomaly* (file, contract index and id, field, message). What cannot be
understood is an *error* with the same location; a file with an error is refused as a whole.

Writing is in marches.services (decp_importer); the export (`export_json`) is below and validates
strictly against the schema.
"""

import datetime
import hashlib
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

from core.imports import ANOMALIE, Probleme
from core.imports import lisible as _lisible
from core.models import Organisation
from core.utils import chunks, texte_interdit

from . import decp_regles as regles
from .enums import (
    CCAG,
    Categorie,
    FormePrix,
    ModaliteExecution,
    Nature,
    Procedure,
    Technique,
    TypeGroupement,
    TypeIdentifiant,
    TypeLieu,
    TypePrix,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "schema_decp_v2.0.3.json"
MAX_ANOMALIES_STORED = 5000
# What the database columns hold: amounts are DECIMAL(15, 2), counts and durations 32-bit integers.
MONTANT_MAX = Decimal("9999999999999.99")
ENTIER_MAX = 2_147_483_647

MARCHE_KEYS = {
    "id", "acheteur", "nature", "objet", "codeCPV", "techniques", "modalitesExecution", "idAccordCadre",
    "marcheInnovant", "ccag", "offresRecues", "attributionAvance", "tauxAvance", "typeGroupementOperateurs",
    "sousTraitanceDeclaree", "actesSousTraitance", "procedure", "lieuExecution", "dureeMois", "dateNotification",
    "datePublicationDonnees", "montant", "typesPrix", "formePrix", "origineUE", "origineFrance", "titulaires",
    "considerationsSociales", "considerationsEnvironnementales", "modificationsActesSousTraitance", "modifications",
}
CONCESSION_KEYS = {
    "id", "autoriteConcedante", "nature", "objet", "procedure", "dureeMois", "dateSignature",
    "datePublicationDonnees", "dateDebutExecution", "valeurGlobale", "montantSubventionPublique", "donneesExecution",
    "concessionnaires", "considerationsSociales", "considerationsEnvironnementales", "modifications",
}
# Keys that real files carry and that we ignore without noise.
QUIET_KEYS: set = set()  # keys outside the schema that we would ignore silently (none so far)


class DecpError(Exception):
    pass


@dataclass
class Titulaire:
    id: str
    type_identifiant: str
    nom: str = ""
    role: str = "titulaire"
    montant_ht: Decimal | None = None
    date_notification: datetime.date | None = None


@dataclass
class ModificationDecp:
    numero: int
    objet: str = ""
    date_notification: datetime.date | None = None
    date_publication_donnees: datetime.date | None = None
    montant_ht: Decimal | None = None
    duree_mois: int | None = None


@dataclass
class Record:
    index: int
    acheteur_siret: str
    acheteur_nom: str
    identifiant: str
    champs: dict  # Marche field -> value
    titulaires: list = field(default_factory=list)
    modifications: list = field(default_factory=list)
    empreinte: str = ""
    discriminant: str = ""


@dataclass
class ParseResult:
    fichier: str
    records: list = field(default_factory=list)
    anomalies: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)
    nb_lus: int = 0
    nb_doublons: int = 0


# --- Normalisation helpers ---------------------------------------------------------------------------

COURT = 200  # texts cached by their normalisation (a long one would stay in a worker's memory for nothing)


def _key(text) -> str:
    """'Appel d’offres  OUVERT' -> 'appeldoffresouvert' (accents, case, punctuation and spaces ignored)."""
    text = str(text)
    return _cle(text) if len(text) <= COURT else _cle.__wrapped__(text)


@lru_cache(maxsize=4096)  # a file repeats the same few labels on every contract
def _cle(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


@cache
def _enum_index(choices_cls) -> dict:
    return {_key(value): value for value in choices_cls.values}


@cache
def _enum_values(choices_cls) -> frozenset:
    return frozenset(choices_cls.values)


ALIASES = {
    "typeCode": {"codepostal": TypeLieu.CODE_POSTAL, "codeinsee": TypeLieu.COMMUNE, "codecommune": TypeLieu.COMMUNE,
                 "codedepartement": TypeLieu.DEPARTEMENT, "coderegion": TypeLieu.REGION, "codepays": TypeLieu.PAYS},
    "ccag": {"maitrisedoeuvre": CCAG.MOE, "moe": CCAG.MOE, "fcs": CCAG.FCS, "pi": CCAG.PI, "tic": CCAG.TIC,
             "aucun": CCAG.AUCUN, "sansccag": CCAG.AUCUN, "sansobjet": CCAG.AUCUN},
}


class _Ctx:
    """Where we are (file, record) and where problems go."""

    def __init__(self, result: ParseResult, index: int | None = None, identifiant: str = "", strings_ok=False):
        self.result, self.index, self.identifiant, self.strings_ok = result, index, identifiant, strings_ok

    def anomalie(self, champ, message):
        self.result.anomalies.append(Probleme(self.result.fichier, None, champ, message, ANOMALIE, self.index,
                                              self.identifiant))

    def erreur(self, champ, message):
        self.result.erreurs.append(Probleme(self.result.fichier, None, champ, message, index=self.index,
                                            identifiant=self.identifiant))


def _empty(value) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is list or kind is dict:
        return not value
    return False


def _text(value, ctx, champ, max_length=None) -> str:
    if _empty(value):
        return ""
    if isinstance(value, dict | list):
        ctx.erreur(champ, "texte attendu, structure trouvée")
        return ""
    text = str(value).strip()
    if texte_interdit(text):
        ctx.erreur(champ, "texte contenant un caractère interdit (caractère nul ou codage invalide)")
        return ""
    if max_length and len(text) > max_length:
        ctx.anomalie(champ, f"texte tronqué à {max_length} caractères")
        text = text[:max_length]
    return text


def _decimal(value, ctx, champ, minimum=None, maximum=None, places=None):
    if _empty(value):
        return None
    if isinstance(value, bool):
        ctx.erreur(champ, f"nombre attendu, « {value} » trouvé")
        return None
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        raw = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
        if "," in raw and "." not in raw:
            raw = raw.replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            ctx.erreur(champ, f"« {value} » n'est pas un nombre")
            return None
        if not ctx.strings_ok:
            ctx.anomalie(champ, "nombre écrit comme du texte")
    if not number.is_finite():
        ctx.erreur(champ, f"« {value} » n'est pas un nombre")
        return None
    if minimum is not None and number < minimum:
        ctx.erreur(champ, f"valeur {value} inférieure au minimum {minimum}")
        return None
    if maximum is not None and number > maximum:
        ctx.erreur(champ, f"valeur {value} supérieure au maximum {maximum}")
        return None
    if places is not None:
        number = number.quantize(places)
    return number


CENTIMES = Decimal("0.01")
TAUX = Decimal("0.0001")  # rates and shares are DECIMAL(5, 4)


def _montant(value, ctx, champ):
    """An amount in euros: positive, at most MONTANT_MAX, rounded to the cent."""
    return _decimal(value, ctx, champ, minimum=0, maximum=MONTANT_MAX, places=CENTIMES)


def _int(value, ctx, champ):
    number = _decimal(value, ctx, champ, minimum=0, maximum=ENTIER_MAX)
    if number is None:
        return None
    verdict = regles.entier(number, value)  # the register's rule too
    if verdict.anomalie:
        ctx.anomalie(champ, verdict.anomalie)
    return verdict.valeur


def _bool(value, ctx, champ):
    if _empty(value):
        return False
    if isinstance(value, bool):
        return value
    key = _key(value)
    if key in ("true", "oui", "1", "vrai", "yes"):
        result = True
    elif key in ("false", "non", "0", "faux", "no"):
        result = False
    else:
        ctx.erreur(champ, f"« {value} » n'est ni vrai ni faux")
        return False
    if not ctx.strings_ok:
        ctx.anomalie(champ, "booléen écrit comme du texte")
    return result


DATE_FR = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def _date(value, ctx, champ):
    if _empty(value):
        return None
    text = str(value).strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            return datetime.date.fromisoformat(text)
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):  # with a time or an offset
            ctx.anomalie(champ, f"date « {text} » réduite au jour")
            return datetime.date.fromisoformat(text[:10])
        match = DATE_FR.match(text)
        if match:
            ctx.anomalie(champ, f"date « {text} » au format JJ/MM/AAAA")
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    ctx.erreur(champ, f"« {text} » n'est pas une date (AAAA-MM-JJ)")
    return None


def procedure_approchee(key: str):
    """Loosely spelled procedures of real files ('Marché négocié sans publicité…', 'MAPA', 'Appel d offre')."""
    if "sanspublicite" in key or "sansmiseenconcurrence" in key:
        return Procedure.SANS_PUBLICITE
    if "appeldoffre" in key:
        return Procedure.AO_RESTREINT if "restreint" in key else Procedure.AO_OUVERT
    if "adapte" in key or key == "mapa":
        return Procedure.MAPA
    if "dialogue" in key:
        return Procedure.DIALOGUE
    if "negoci" in key:
        return Procedure.NEGOCIEE
    return None


def type_prix_approche(key: str):
    """A type of price spelled loosely, or a v1 "formePrix": 'Ferme', 'Prix révisables', 'Ferme et actualisable',
    'ferme-actualisable', 'Définitif ferme'... (key: see `_key`)."""
    if "provisoire" in key:
        return TypePrix.PROVISOIRE
    if "actualis" in key:
        return TypePrix.ACTUALISABLE
    if "revis" in key:
        return TypePrix.REVISABLE
    if "ferme" in key or key == "definitif":
        return TypePrix.FERME
    return None


def _enum(value, choices_cls, ctx, champ, aliases=None, required=False):
    if _empty(value):
        if required:
            ctx.anomalie(champ, "valeur absente")
        return ""
    text = str(value).strip()
    if text in _enum_values(choices_cls):
        return text
    key = _key(text)
    if callable(aliases):
        canonical = _enum_index(choices_cls).get(key) or aliases(key)
    else:
        canonical = _enum_index(choices_cls).get(key) or (aliases or {}).get(key)
    if canonical is None:
        ctx.erreur(champ, f"valeur inconnue « {text} »")
        return ""
    ctx.anomalie(champ, f"« {text} » lu comme « {canonical} »")
    return str(canonical)


def _items(value, inner: str, ctx, champ) -> list:
    """A DECP list in any of its real shapes: [{inner: x}], [x], {inner: x}, {inner: [x]}; empty -> []."""
    if _empty(value):
        if value == []:
            ctx.anomalie(champ, "liste vide ignorée")
        return []
    if isinstance(value, dict):
        if inner in value:
            value = value[inner]
        else:
            value = [value]
    if not isinstance(value, list):
        value = [value]
    items = []
    for item in value:
        if isinstance(item, dict) and inner in item and len(item) == 1:
            item = item[inner]
        if isinstance(item, list):
            items.extend(item)
        elif not _empty(item):
            items.append(item)
    return items


# --- Records -----------------------------------------------------------------------------------------

def _titulaire(item, ctx, champ, role="titulaire"):
    if not isinstance(item, dict):
        ctx.erreur(champ, "entreprise illisible")
        return None
    verdict = regles.entreprise_identifiant(item.get("id"))
    ident = verdict.valeur[0]
    if not ident:
        ctx.anomalie(champ, "entreprise sans identifiant ignorée")
        return None
    if verdict.erreur:
        ctx.erreur(champ, verdict.erreur)
        return None
    raw_type = item.get("typeIdentifiant")
    if _empty(raw_type):
        type_identifiant = verdict.valeur[1]
        ctx.anomalie(champ, f"type d'identifiant absent pour {ident}, lu comme {type_identifiant}")
    else:
        type_identifiant = _enum(raw_type, TypeIdentifiant, ctx, champ)
        if not type_identifiant:
            return None
    # The same rule as the register's: a SIRET whose key is wrong is kept and reported.
    verdict = regles.entreprise_identifiant(ident, type_identifiant)
    if verdict.anomalie:
        ctx.anomalie(champ, verdict.anomalie)
    nom = _text(item.get("denominationSociale") or item.get("nom"), ctx, champ, 255)
    return Titulaire(id=ident, type_identifiant=str(type_identifiant), nom=nom, role=role)


def _lieu(value, ctx, champs):
    if _empty(value):
        return
    if not isinstance(value, dict):
        ctx.erreur("lieuExecution", "structure illisible")
        return
    code = _text(value.get("code"), ctx, "lieuExecution.code")
    type_code = _enum(value.get("typeCode"), TypeLieu, ctx, "lieuExecution.typeCode",
                      ALIASES["typeCode"]) or (TypeLieu.CODE_POSTAL if code else "")
    nom = value.get("nom") if "nom" in value else value.get("nom ")
    nom = _text(nom, ctx, "lieuExecution.nom", 255)
    verdict = regles.lieu(code, type_code, nom)  # the register's rule too
    if verdict.anomalie:
        ctx.anomalie("lieuExecution.code", verdict.anomalie)
    champs["lieu_code"], champs["lieu_type_code"], champs["lieu_nom"] = verdict.valeur
    champs["lieu_nom"] = champs["lieu_nom"][:255]


@cache
def libelles_index(libelles: tuple) -> dict:
    """{normalised label: label} of a list of the schema's labels."""
    return {_key(v): v for v in libelles}


def _considerations(raw, ctx, champs, sociales: bool):
    from . import decp_labels as L

    if sociales:
        values = _items(raw, "considerationSociale", ctx, "considerationsSociales")
        labels = libelles_index(L.SOCIALES)
        flags = {L.CLAUSE_SOCIALE: "clause_sociale", L.CRITERE_SOCIAL: "critere_social",
                 L.MARCHE_RESERVE: "marche_reserve"}
        champ = "considerationsSociales"
    else:
        values = _items(raw, "considerationEnvironnementale", ctx, "considerationsEnvironnementales")
        labels = libelles_index(L.ENVIRONNEMENTALES)
        flags = {L.CLAUSE_ENV: "clause_environnementale", L.CRITERE_ENV: "critere_environnemental"}
        champ = "considerationsEnvironnementales"
    exact = set(labels.values())
    for value in values:
        label = value if isinstance(value, str) and value in exact else labels.get(_key(value))
        if label is None:
            ctx.erreur(champ, f"valeur inconnue « {value} »")
            continue
        if label != value:
            ctx.anomalie(champ, f"« {value} » lu comme « {label} »")
        if label in flags:
            champs[flags[label]] = True


def _modifications(raw, ctx, concession=False):
    result = []
    items = _items(raw, "modification", ctx, "modifications")
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            ctx.erreur("modifications", "modification illisible")
            continue
        numero = _int(item.get("id"), ctx, "modifications.id") if not _empty(item.get("id")) else position
        date = item.get("dateNotificationModification") or item.get("dateSignatureModification")
        montant_key = "valeurGlobale" if concession else "montant"
        result.append(ModificationDecp(
            numero=numero or position,
            objet=_text(item.get("objetModification"), ctx, "modifications.objetModification"),
            date_notification=_date(date, ctx, "modifications.dateNotificationModification"),
            date_publication_donnees=_date(item.get("datePublicationDonneesModification"), ctx,
                                           "modifications.datePublicationDonneesModification"),
            montant_ht=_montant(item.get(montant_key), ctx, f"modifications.{montant_key}"),
            duree_mois=_int(item.get("dureeMois"), ctx, "modifications.dureeMois"),
        ))
    numeros = [m.numero for m in result]
    if len(set(numeros)) != len(numeros):
        ctx.anomalie("modifications", "numéros de modification répétés : renumérotés dans l'ordre du fichier")
        for position, m in enumerate(result, start=1):
            m.numero = position
    return result


def _parse_marche(raw: dict, ctx: _Ctx, concession: bool) -> Record | None:
    known = CONCESSION_KEYS if concession else MARCHE_KEYS
    for key in raw:
        if key not in known and key not in QUIET_KEYS and key.strip() not in known:
            ctx.anomalie(key, "clé inconnue ignorée")
    acheteur = raw.get("autoriteConcedante" if concession else "acheteur") or raw.get("acheteur")
    acheteur_champ = "autoriteConcedante.id" if concession else "acheteur.id"
    if isinstance(acheteur, str | int):
        acheteur = {"id": str(acheteur)}
    if not isinstance(acheteur, dict) or _empty(acheteur.get("id")):
        ctx.erreur(acheteur_champ, "SIRET de l'acheteur absent")
        return None
    verdict = regles.acheteur_siret(acheteur.get("id"))  # the same rule as the register's
    acheteur_siret = verdict.valeur
    if verdict.erreur:
        ctx.erreur(acheteur_champ, verdict.erreur)
        return None
    if verdict.anomalie:
        ctx.anomalie(acheteur_champ, verdict.anomalie)

    verdict = regles.marche_identifiant(_text(raw.get("id"), ctx, "id"))
    identifiant = verdict.valeur
    if verdict.anomalie or verdict.erreur:
        (ctx.erreur if verdict.erreur else ctx.anomalie)("id", verdict.erreur or verdict.anomalie)
    champs = {"categorie": Categorie.CONCESSION if concession else Categorie.MARCHE}
    objet = _text(raw.get("objet"), ctx, "objet")
    if not objet:
        ctx.anomalie("objet", "objet absent")
        objet = "(objet non renseigné)"
    champs["objet"] = objet

    # Nature: v1 files put the purchase technique there ("Accord-cadre", "Marché subséquent").
    nature_raw = raw.get("nature")
    techniques, modalites = [], []
    nature_key = "" if _empty(nature_raw) or (isinstance(nature_raw, str) and nature_raw in _enum_values(Nature)) \
        else _key(nature_raw)
    if not concession and nature_key in ("accordcadre",):
        ctx.anomalie("nature", f"« {nature_raw} » lu comme nature « Marché », technique « Accord-cadre »")
        champs["nature"], techniques = Nature.MARCHE, [Technique.ACCORD_CADRE]
    elif not concession and nature_key in ("marchesubsequent", "marchesubsequentdaccordcadre"):
        ctx.anomalie("nature", f"« {nature_raw} » lu comme nature « Marché », modalité « Marchés subséquents »")
        champs["nature"], modalites = Nature.MARCHE, [ModaliteExecution.SUBSEQUENTS]
    elif not concession and nature_key in ("marchedepartenariat", "partenariat"):
        champs["nature"] = Nature.PARTENARIAT
    else:
        nature = _enum(nature_raw, Nature, ctx, "nature")
        if _empty(nature_raw):
            ctx.anomalie("nature", "nature absente, lue comme « Marché »" if not concession else "nature absente")
            nature = Nature.MARCHE if not concession else Nature.CONCESSION_SERVICE
        champs["nature"] = nature or (Nature.MARCHE if not concession else Nature.CONCESSION_SERVICE)

    champs["procedure"] = _enum(raw.get("procedure"), Procedure, ctx, "procedure", procedure_approchee,
                                required=True)
    champs["duree_mois"] = _int(raw.get("dureeMois"), ctx, "dureeMois")
    champs["date_publication_donnees"] = _date(raw.get("datePublicationDonnees"), ctx, "datePublicationDonnees")
    if concession:
        champs["date_notification"] = _date(raw.get("dateSignature"), ctx, "dateSignature")
        champs["date_debut"] = _date(raw.get("dateDebutExecution"), ctx, "dateDebutExecution")
        champs["montant_ht"] = _montant(raw.get("valeurGlobale"), ctx, "valeurGlobale")
        titulaires_raw = _items(raw.get("concessionnaires"), "concessionnaire", ctx, "concessionnaires")
        titulaires = [t for t in (_titulaire(i, ctx, "concessionnaires") for i in titulaires_raw) if t]
    else:
        verdict = regles.code_cpv(raw.get("codeCPV") if not _empty(raw.get("codeCPV")) else "")
        code = verdict.valeur
        if verdict.anomalie or verdict.erreur:
            (ctx.erreur if verdict.erreur else ctx.anomalie)("codeCPV", verdict.erreur or verdict.anomalie)
        if not code:
            ctx.anomalie("codeCPV", "code CPV absent")
        champs["code_cpv"] = code
        for value in _items(raw.get("techniques"), "technique", ctx, "techniques"):
            value = _enum(value, Technique, ctx, "techniques")
            if value and value not in techniques:
                techniques.append(value)
        for value in _items(raw.get("modalitesExecution"), "modaliteExecution", ctx, "modalitesExecution"):
            value = _enum(value, ModaliteExecution, ctx, "modalitesExecution")
            if value and value not in modalites:
                modalites.append(value)
        champs["id_accord_cadre"] = _text(raw.get("idAccordCadre"), ctx, "idAccordCadre", 32)
        champs["marche_innovant"] = _bool(raw.get("marcheInnovant"), ctx, "marcheInnovant")
        champs["ccag"] = _enum(raw.get("ccag"), CCAG, ctx, "ccag", ALIASES["ccag"])
        champs["offres_recues"] = _int(raw.get("offresRecues"), ctx, "offresRecues")
        champs["attribution_avance"] = _bool(raw.get("attributionAvance"), ctx, "attributionAvance")
        taux = _decimal(raw.get("tauxAvance"), ctx, "tauxAvance", minimum=0)
        if taux is not None and taux > 1:
            ctx.anomalie("tauxAvance", f"taux {taux} lu comme un pourcentage")
            taux = taux / 100 if taux <= 100 else None
        champs["taux_avance"] = taux.quantize(TAUX) if taux is not None else None
        champs["type_groupement"] = _enum(raw.get("typeGroupementOperateurs"), TypeGroupement, ctx,
                                          "typeGroupementOperateurs") or TypeGroupement.AUCUN
        champs["sous_traitance_declaree"] = _bool(raw.get("sousTraitanceDeclaree"), ctx, "sousTraitanceDeclaree")
        champs["date_notification"] = _date(raw.get("dateNotification"), ctx, "dateNotification")
        champs["montant_ht"] = _montant(raw.get("montant"), ctx, "montant")
        types_prix = []
        for value in _items(raw.get("typesPrix"), "typePrix", ctx, "typesPrix"):
            value = _enum(value, TypePrix, ctx, "typesPrix", type_prix_approche)
            if value and value not in types_prix:
                types_prix.append(value)
        forme = raw.get("formePrix")
        forme_key = "" if _empty(forme) or (isinstance(forme, str) and forme in _enum_values(FormePrix)) \
            else _key(forme)
        v1_type = type_prix_approche(forme_key) if forme_key and forme_key not in _enum_index(FormePrix) else None
        if v1_type is not None:
            # v1 "formePrix" (Ferme, Révisable, Ferme et actualisable…) is what v2 calls the type of price; the v2
            # form of price (unitaire, forfaitaire, mixte) did not exist in v1 and stays unknown.
            ctx.anomalie("formePrix", f"« {forme} » (format v1) lu comme type de prix « {v1_type} »")
            if v1_type not in types_prix:
                types_prix.append(str(v1_type))
            champs["forme_prix"] = ""
        else:
            champs["forme_prix"] = _enum(forme, FormePrix, ctx, "formePrix")
        champs["types_prix"] = types_prix
        for key, name in (("origineUE", "origine_ue"), ("origineFrance", "origine_france")):
            value = _decimal(raw.get(key), ctx, key, minimum=0)
            champs[name] = value.quantize(TAUX) if value is not None and value <= 1 else None
        titulaires_raw = _items(raw.get("titulaires"), "titulaire", ctx, "titulaires")
        titulaires = [t for t in (_titulaire(i, ctx, "titulaires") for i in titulaires_raw) if t]
        for acte in _items(raw.get("actesSousTraitance"), "acteSousTraitance", ctx, "actesSousTraitance"):
            if not isinstance(acte, dict):
                ctx.erreur("actesSousTraitance", "acte illisible")
                continue
            sous_traitant = _titulaire(acte.get("sousTraitant") or {}, ctx, "actesSousTraitance.sousTraitant",
                                       role="sous_traitant")
            if sous_traitant:
                sous_traitant.montant_ht = _montant(acte.get("montant"), ctx, "actesSousTraitance.montant")
                sous_traitant.date_notification = _date(acte.get("dateNotification"), ctx,
                                                        "actesSousTraitance.dateNotification")
                titulaires.append(sous_traitant)
        if any(t.role == "sous_traitant" for t in titulaires):
            champs["sous_traitance_declaree"] = True
    champs["techniques"] = [str(t) for t in techniques]
    champs["modalites_execution"] = [str(m) for m in modalites]
    if not titulaires:
        ctx.anomalie("titulaires", "aucun titulaire")
    for flag in ("clause_sociale", "critere_social", "marche_reserve", "clause_environnementale",
                 "critere_environnemental"):
        champs[flag] = False
    _considerations(raw.get("considerationsSociales"), ctx, champs, sociales=True)
    _considerations(raw.get("considerationsEnvironnementales"), ctx, champs, sociales=False)
    _lieu(raw.get("lieuExecution"), ctx, champs)
    if champs.get("montant_ht") is None:
        ctx.anomalie("montant", "montant absent")

    modifications = _modifications(raw.get("modifications"), ctx, concession)
    # Deduplicate awardees (same company, same role).
    seen, uniques = set(), []
    for t in titulaires:
        if (t.id, t.role) in seen:
            ctx.anomalie("titulaires", f"entreprise {t.id} répétée")
            continue
        seen.add((t.id, t.role))
        uniques.append(t)
    return Record(index=ctx.index, acheteur_siret=acheteur_siret, acheteur_nom=_text(acheteur.get("nom"), ctx,
                  "acheteur.nom", 255), identifiant=identifiant, champs=champs, titulaires=uniques,
                  modifications=modifications)


def empreinte(raw) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
                          .encode("utf-8", "surrogatepass")).hexdigest()


# --- Documents ---------------------------------------------------------------------------------------

XML_LISTS = {"marche", "contrat-concession"}


def _xml_to_obj(element):
    """An element with children -> dict (a repeated child tag -> list); a leaf -> its text."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    result = {}
    for child in children:
        value = _xml_to_obj(child)
        if child.tag in result:
            existing = result[child.tag]
            if isinstance(existing, _Repeated):
                existing.append(value)
            else:
                result[child.tag] = _Repeated([existing, value])
        else:
            result[child.tag] = _Repeated([value]) if child.tag in XML_LISTS else value
    return {k: list(v) if isinstance(v, _Repeated) else v for k, v in result.items()}


class _Repeated(list):
    pass


def load_document(data: bytes, fichier: str):
    """JSON or XML bytes -> Python structure; raises DecpError when neither can be read."""
    text = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        from xml.etree.ElementTree import ParseError

        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import fromstring

        # A DECP file needs no DTD: any declaration (entity expansion, external entities) is refused outright.
        try:
            root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise DecpError(f"{fichier} : XML illisible ou dangereux (le fichier déclare des entités (DTD), "
                            "refusées par sécurité)") from exc
        except ParseError as exc:
            raise DecpError(f"{fichier} : XML illisible ({_lisible(exc)})") from exc
        except (ValueError, LookupError, RecursionError) as exc:  # unknown encoding, absurd nesting
            raise DecpError(f"{fichier} : XML illisible ({exc.__class__.__name__})") from exc
        try:
            return {root.tag: _xml_to_obj(root)}, True
        except RecursionError as exc:
            raise DecpError(f"{fichier} : XML illisible (imbrication trop profonde)") from exc
    try:
        return json.loads(text.decode("utf-8")), False
    except UnicodeDecodeError:
        try:
            return json.loads(text.decode("latin-1")), False
        except ValueError as exc:
            raise DecpError(f"{fichier} : ni JSON ni XML lisible ({_lisible(exc)})") from exc
        except RecursionError as exc:
            raise DecpError(f"{fichier} : JSON illisible (imbrication trop profonde)") from exc
    except ValueError as exc:
        raise DecpError(f"{fichier} : JSON illisible ({_lisible(exc)})") from exc
    except RecursionError as exc:
        raise DecpError(f"{fichier} : JSON illisible (imbrication trop profonde)") from exc


def parse_bytes(data: bytes, fichier: str) -> ParseResult:
    result = ParseResult(fichier=fichier)
    try:
        document, is_xml = load_document(data, fichier)
    except DecpError as exc:
        result.erreurs.append(Probleme(fichier, None, "", str(exc).split(" : ", 1)[-1]))
        return result
    file_ctx = _Ctx(result)
    marches, concessions = [], []
    if isinstance(document, list):
        marches = document
        file_ctx.anomalie("", "liste de marchés à la racine (sans « marches »)")
    elif isinstance(document, dict) and "marches" in document:
        body = document["marches"]
        if isinstance(body, list):  # v1 layout
            marches = body
        elif isinstance(body, dict):
            for key in body:
                if key not in ("marche", "contrat-concession"):
                    file_ctx.anomalie(key, "clé inconnue ignorée")
            marches = body.get("marche") or []
            concessions = body.get("contrat-concession") or []
            marches = marches if isinstance(marches, list) else [marches]
            concessions = concessions if isinstance(concessions, list) else [concessions]
        elif _empty(body):
            marches = []
        else:
            file_ctx.erreur("marches", "structure illisible")
            return result
    else:
        file_ctx.erreur("marches", "clé « marches » absente : ce n'est pas un fichier DECP")
        return result

    raws = [(raw, False) for raw in marches] + [(raw, True) for raw in concessions]
    seen = {}
    for index, (raw, concession) in enumerate(raws):
        ident = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        ctx = _Ctx(result, index, ident, strings_ok=is_xml)
        if not isinstance(raw, dict):
            ctx.erreur("", "contrat illisible (objet attendu)")
            continue
        if not concession and (str(raw.get("_type", "")).lower().startswith("contrat") or "autoriteConcedante" in raw):
            concession = True
        result.nb_lus += 1
        try:
            fingerprint = empreinte(raw)
            if fingerprint in seen:
                ctx.anomalie("", f"contrat identique en tout point au contrat n° {seen[fingerprint] + 1} : "
                                 "importé une fois")
                result.nb_doublons += 1
                continue
            seen[fingerprint] = index
            record = _parse_marche(raw, ctx, concession)
        except RecursionError:
            ctx.erreur("", "contrat illisible (imbrication trop profonde)")
            continue
        if record is not None:
            record.empreinte = fingerprint
            result.records.append(record)

    # Same (buyer, id) for different records: kept apart with a discriminant, never merged.
    groups = {}
    for record in result.records:
        groups.setdefault((record.acheteur_siret, record.identifiant), []).append(record)
    for (_siret, ident), records in groups.items():
        if len(records) > 1 or not ident:
            for record in records:
                record.discriminant = record.empreinte[:16]
            if len(records) > 1:
                for record in records:
                    ctx = _Ctx(result, record.index, ident)
                    ctx.anomalie("id", f"identifiant « {ident} » partagé par {len(records)} contrats différents : "
                                       "gardés séparément" if ident else
                                       f"identifiant vide pour {len(records)} contrats : gardés séparément")
    return result


# --- Export ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(document: dict) -> list[str]:
    """Every schema violation of a document (empty list when valid)."""
    from jsonschema import Draft7Validator

    validator = Draft7Validator(schema())
    return [f"{'/'.join(str(p) for p in e.absolute_path)} : {e.message}" for e in validator.iter_errors(document)]


# --- Export (strict) -----------------------------------------------------------------------------------

MARCHE_PROCEDURES = {Procedure.MAPA, Procedure.AO_OUVERT, Procedure.AO_RESTREINT, Procedure.NEGOCIEE,
                     Procedure.SANS_PUBLICITE, Procedure.DIALOGUE}
CONCESSION_PROCEDURES = {Procedure.CONC_NEGOCIEE_OUVERTE, Procedure.CONC_NON_NEGOCIEE_OUVERTE,
                         Procedure.CONC_NEGOCIEE_RESTREINTE, Procedure.CONC_NON_NEGOCIEE_RESTREINTE}
MARCHE_NATURES = {Nature.MARCHE, Nature.PARTENARIAT, Nature.DEFENSE_SECURITE}
CONCESSION_NATURES = {Nature.CONCESSION_TRAVAUX, Nature.CONCESSION_SERVICE, Nature.CONCESSION_SERVICE_PUBLIC,
                      Nature.DSP}
CPV_PATTERN = re.compile(r"^[0-9]{8}(-[0-9])?$")


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)




def _decp_id(marche) -> str:
    """The stored published id (assigned once by marches.decp_services.decp_ids_attribuer before any export)."""
    return marche.decp_id


def decp_ids_calculer(manquants, pris, nb_par_identifiant) -> dict:
    """Published ids for contracts that have none: {pk: id}.

    manquants: [(pk, acheteur_id, identifiant, discriminant)]; pris: {acheteur_id: set of published ids taken};
    nb_par_identifiant: {(acheteur_id, identifiant): number of contracts}. The buyer's own id when it has 1 to 16
    characters and names one contract only, else "SPASER-{pk}" (a hash of it in the rare case that is taken)."""
    result = {}
    generer = []
    for pk, acheteur_id, identifiant, discriminant in sorted(manquants):
        if 1 <= len(identifiant) <= regles.DECP_ID_MAX and not discriminant \
                and nb_par_identifiant.get((acheteur_id, identifiant), 0) == 1 \
                and identifiant not in pris.setdefault(acheteur_id, set()):
            result[pk] = identifiant
            pris[acheteur_id].add(identifiant)
        else:
            generer.append((pk, acheteur_id))
    for pk, acheteur_id in generer:
        taken = pris.setdefault(acheteur_id, set())
        candidat, n = f"SPASER-{pk}", 0
        while candidat in taken or len(candidat) > regles.DECP_ID_MAX:
            n += 1
            candidat = "SP" + hashlib.sha256(f"{acheteur_id}/{pk}/{n}".encode()).hexdigest()[:14].upper()
        result[pk] = candidat
        taken.add(candidat)
    return result


def existants_trouver(records, organisations: dict) -> dict:
    """The contracts already stored that the records of a file are: {record.index: (pk, fingerprint)}.

    A record is its contract by (buyer, id, discriminant), else by (buyer, published id): re-importing our own
    export finds the contracts it came from. When the record is exactly what we publish for that contract, the
    fingerprint returned is the record's own, so that the import leaves the contract unchanged."""
    from .models import Marche

    par_cle, par_decp_id = {}, {}
    for org_id in set(organisations.values()):
        idents = list({r.identifiant for r in records if organisations[r.acheteur_siret] == org_id})
        for chunk in chunks(idents):
            for pk, ident, disc, emp in Marche.objects.filter(acheteur_id=org_id, identifiant__in=chunk) \
                    .values_list("pk", "identifiant", "discriminant", "decp_empreinte"):
                par_cle[(org_id, ident, disc)] = (pk, emp)
        for chunk in chunks([i for i in idents if 1 <= len(i) <= regles.DECP_ID_MAX]):
            for pk, decp_id, emp in Marche.objects.filter(acheteur_id=org_id, decp_id__in=chunk) \
                    .values_list("pk", "decp_id", "decp_empreinte"):
                par_decp_id[(org_id, decp_id)] = (pk, emp)
    existants, vus = {}, set()
    for r in records:
        org_id = organisations[r.acheteur_siret]
        found = par_cle.get((org_id, r.identifiant, r.discriminant))
        if found is None and r.identifiant and not r.discriminant:
            found = par_decp_id.get((org_id, r.identifiant))
        if found is not None and found[0] not in vus:
            vus.add(found[0])
            existants[r.index] = found
    differents = {pk: index for index, (pk, emp) in existants.items()}
    by_index = {r.index: r for r in records}
    differents = {pk: index for pk, index in differents.items() if existants[index][1] != by_index[index].empreinte}
    if differents:
        for pk, published in empreintes_publiees(list(differents)).items():
            index = differents[pk]
            if published == by_index[index].empreinte:
                existants[index] = (pk, published)
    return existants


def empreintes_publiees(pks) -> dict:
    """{pk: fingerprint of the record we publish for that contract} (contracts we cannot publish left out)."""
    from .models import Marche

    today = datetime.date.today()
    result = {}
    for chunk in chunks(pks):
        for marche in export_queryset(queryset=Marche.objects.filter(pk__in=chunk)):
            concession = marche.categorie == Categorie.CONCESSION
            record, _ = (_concession_decp if concession else _marche_decp)(marche, today)
            if record is not None:
                result[marche.pk] = empreinte(record)
    return result



def _operateurs(marche, key):
    seen, items = set(), []
    for a in marche.attributions.all():
        if a.role in ("titulaire", "cotraitant") and a.entreprise.siret not in seen:
            seen.add(a.entreprise.siret)
            items.append({key: {"typeIdentifiant": a.entreprise.type_identifiant, "id": a.entreprise.siret}})
    return items


def _marche_decp(marche, today) -> tuple[dict | None, list[str]]:
    from .decp_labels import considerations_environnementales, considerations_sociales

    manque = []
    if marche.nature not in MARCHE_NATURES:
        manque.append(f"nature « {marche.nature} » d'un marché")
    if not CPV_PATTERN.match(marche.code_cpv or ""):
        manque.append("code CPV")
    if marche.procedure not in MARCHE_PROCEDURES:
        manque.append("procédure")
    montant = marche.montant_initial_ht if marche.montant_initial_ht is not None else marche.montant_ht
    duree = marche.duree_initiale_mois if marche.duree_initiale_mois is not None else marche.duree_mois
    if montant is None or montant < 1:
        manque.append("montant")
    if not duree:
        manque.append("durée")
    if not marche.date_notification:
        manque.append("date de notification")
    if not marche.offres_recues:
        manque.append("nombre d'offres reçues")
    if not marche.lieu_code or not marche.lieu_type_code:
        manque.append("lieu d'exécution")
    if not marche.forme_prix:
        # A v1 file gives the type of price in its "formePrix": what is then missing is the v2 form of price.
        manque.append("forme du prix (unitaire, forfaitaire ou mixte ; le type de prix, seul donné par le format "
                      "DECP v1, est connu)" if marche.types_prix else "forme du prix")
    if not marche.types_prix:
        manque.append("type de prix")
    titulaires = _operateurs(marche, "titulaire")
    if not titulaires:
        manque.append("titulaire")
    modifications = []
    for m in marche.modifications.all():
        if not m.date_notification:
            manque.append(f"date de notification de la modification n° {m.numero}")
            continue
        item = {"id": m.numero or 1, "dateNotificationModification": m.date_notification.isoformat(),
                "datePublicationDonneesModification": (m.date_publication_donnees or m.date_notification).isoformat()}
        if m.montant_ht is not None and m.montant_ht >= 1:
            item["montant"] = _number(m.montant_ht)
        if m.duree_mois:
            item["dureeMois"] = m.duree_mois
        modifications.append({"modification": item})
    if manque:
        return None, manque
    record = {
        "id": _decp_id(marche),
        "acheteur": {"id": marche.acheteur.siret},
        "nature": marche.nature,
        "objet": marche.objet[:1000],
        "codeCPV": marche.code_cpv,
        "techniques": {"technique": list(dict.fromkeys(marche.techniques)) or [Technique.SANS_OBJET.value]},
        "modalitesExecution": {"modaliteExecution": list(dict.fromkeys(marche.modalites_execution))
                               or [ModaliteExecution.SANS_OBJET.value]},
        "marcheInnovant": marche.marche_innovant,
        "ccag": marche.ccag or CCAG.AUCUN.value,
        "offresRecues": marche.offres_recues,
        "attributionAvance": marche.attribution_avance,
        "typeGroupementOperateurs": marche.type_groupement or TypeGroupement.AUCUN.value,
        "sousTraitanceDeclaree": marche.sous_traitance_declaree,
        "procedure": marche.procedure,
        "lieuExecution": {"code": marche.lieu_code, "typeCode": marche.lieu_type_code},
        "dureeMois": duree,
        "dateNotification": marche.date_notification.isoformat(),
        "datePublicationDonnees": (marche.date_publication_donnees or today).isoformat(),
        "montant": _number(montant),
        "typesPrix": {"typePrix": list(dict.fromkeys(marche.types_prix))},
        "formePrix": marche.forme_prix,
        "titulaires": titulaires,
        "considerationsSociales": {"considerationSociale": considerations_sociales(marche)},
        "considerationsEnvironnementales": {"considerationEnvironnementale":
                                            considerations_environnementales(marche)},
    }
    if marche.attribution_avance and marche.taux_avance is not None:
        record["tauxAvance"] = _number(marche.taux_avance)
    if 1 <= len(marche.id_accord_cadre or "") <= 16:
        record["idAccordCadre"] = marche.id_accord_cadre
    if marche.origine_ue is not None:
        record["origineUE"] = _number(marche.origine_ue)
    if marche.origine_france is not None:
        record["origineFrance"] = _number(marche.origine_france)
    if modifications:
        record["modifications"] = modifications
    return record, []


def _concession_decp(marche, today) -> tuple[dict | None, list[str]]:
    from .decp_labels import considerations_environnementales, considerations_sociales

    manque = []
    if marche.nature not in CONCESSION_NATURES:
        manque.append(f"nature « {marche.nature} » d'une concession")
    if marche.procedure not in CONCESSION_PROCEDURES:
        manque.append("procédure de concession")
    montant = marche.montant_initial_ht if marche.montant_initial_ht is not None else marche.montant_ht
    duree = marche.duree_initiale_mois if marche.duree_initiale_mois is not None else marche.duree_mois
    if montant is None or montant < 1:
        manque.append("valeur globale")
    if not duree:
        manque.append("durée")
    if not marche.date_notification:
        manque.append("date de signature")
    if not (marche.date_debut or marche.date_notification):
        manque.append("date de début d'exécution")
    concessionnaires = _operateurs(marche, "concessionnaire")
    if not concessionnaires:
        manque.append("concessionnaire")
    modifications = []
    for m in marche.modifications.all():
        if not m.date_notification:
            manque.append(f"date de signature de la modification n° {m.numero}")
            continue
        item = {"id": m.numero or 1, "dateSignatureModification": m.date_notification.isoformat(),
                "datePublicationDonneesModification": (m.date_publication_donnees or m.date_notification).isoformat()}
        if m.montant_ht is not None and m.montant_ht >= 1:
            item["valeurGlobale"] = _number(m.montant_ht)
        if m.duree_mois:
            item["dureeMois"] = m.duree_mois
        modifications.append({"modification": item})
    if manque:
        return None, manque
    record = {
        "id": _decp_id(marche),
        "autoriteConcedante": {"id": marche.acheteur.siret},
        "nature": marche.nature,
        "objet": marche.objet[:1000],
        "procedure": marche.procedure,
        "dureeMois": duree,
        "dateSignature": marche.date_notification.isoformat(),
        "datePublicationDonnees": (marche.date_publication_donnees or today).isoformat(),
        "dateDebutExecution": (marche.date_debut or marche.date_notification).isoformat(),
        "valeurGlobale": _number(montant),
        # Not recorded in the register: published as "no financial advantage".
        "montantSubventionPublique": 0,
        "concessionnaires": concessionnaires,
        "considerationsSociales": {"considerationSociale": considerations_sociales(marche)},
        "considerationsEnvironnementales": {"considerationEnvironnementale":
                                            considerations_environnementales(marche)},
    }
    if modifications:
        record["modifications"] = modifications
    return record, []


def export_queryset(*, acheteur=None, annee=None, queryset=None):
    from .models import Attribution, Marche

    qs = queryset if queryset is not None else Marche.objects.all()
    if acheteur is not None:
        if isinstance(acheteur, Organisation):
            qs = qs.filter(acheteur=acheteur)
        else:
            qs = qs.filter(acheteur__siret=str(acheteur).strip())
    if annee:
        qs = qs.filter(date_notification__year=int(annee))
    from django.db.models import Prefetch

    return qs.select_related("acheteur").prefetch_related(
        Prefetch("attributions", queryset=Attribution.objects.select_related("entreprise").order_by("id")),
        "modifications",
    ).order_by("acheteur__siret", "date_notification", "decp_id", "pk")


def _enregistrements(queryset, today):
    """(contract, is a concession, record or None, what it lacks) of each contract of `queryset`, read by chunks."""
    for marche in queryset.iterator(chunk_size=2000):
        concession = marche.categorie == Categorie.CONCESSION
        record, manque = (_concession_decp if concession else _marche_decp)(marche, today)
        yield marche, concession, record, manque


def export_document(*, acheteur=None, annee=None, queryset=None) -> tuple[dict, list[dict]]:
    """(DECP v2 document, excluded contracts with what they lack). Contracts missing a field the schema
    requires are left out rather than published with invented values."""
    from .decp_services import decp_ids_attribuer

    today = datetime.date.today()
    marches, concessions, exclus = [], [], []
    # Published ids are assigned once, in bulk, to the contracts that have none yet (then stored, never changed).
    decp_ids_attribuer(queryset=export_queryset(acheteur=acheteur, annee=annee, queryset=queryset))
    qs = export_queryset(acheteur=acheteur, annee=annee, queryset=queryset)
    for marche, concession, record, manque in _enregistrements(qs, today):
        if record is None:
            exclus.append({"pk": marche.pk, "id": marche.identifiant, "manque": manque})
        elif concession:
            concessions.append(record)
        else:
            marches.append(record)
    body = {"marche": marches}
    if concessions:
        body["contrat-concession"] = concessions
    return {"marches": body}, exclus


def export_json(*, acheteur=None, annee=None) -> dict:
    """The DECP v2 document of the published contracts (acheteur: an Organisation or a SIRET; annee:
    year of notification). Valid against schema_decp_v2.0.3.json (see `validate`)."""
    document, _ = export_document(acheteur=acheteur, annee=annee)
    return document


def _liste_ecrire(out, records, marge: str) -> None:
    """A JSON list of records at `marge` (the indentation of its key), as json.dumps(indent=1) writes it."""
    premier, retrait = True, marge + " "
    encodeur = json.JSONEncoder(ensure_ascii=False, indent=1, default=str)
    for record in records:
        out.write("[\n" if premier else ",\n")
        out.write(retrait + encodeur.encode(record).replace("\n", "\n" + retrait))
        premier = False
    out.write("[]" if premier else f"\n{marge}]")


def export_ecrire(out, *, acheteur=None, annee=None) -> None:
    """Write the document of `export_json` to `out` (a text file), one record at a time: the same characters as
    json.dumps(export_json(...), ensure_ascii=False, indent=1), without the whole document in memory. Contracts
    are read by chunks, the contracts then the concessions (two reads in the export's order); a record holds no
    raw newline (json.dumps escapes them in strings), so each of its lines is indented by the list's margin."""
    from .decp_services import decp_ids_attribuer

    today = datetime.date.today()
    decp_ids_attribuer(queryset=export_queryset(acheteur=acheteur, annee=annee))
    qs = export_queryset(acheteur=acheteur, annee=annee)
    marches = (r for _, _, r, _ in _enregistrements(qs.exclude(categorie=Categorie.CONCESSION), today)
               if r is not None)
    concessions = (r for _, _, r, _ in _enregistrements(qs.filter(categorie=Categorie.CONCESSION), today)
                   if r is not None)
    out.write('{\n "marches": {\n  "marche": ')
    _liste_ecrire(out, marches, "  ")
    premiere = next(concessions, None)
    if premiere is not None:
        out.write(',\n  "contrat-concession": ')
        _liste_ecrire(out, itertools.chain([premiere], concessions), "  ")
    out.write("\n }\n}")
