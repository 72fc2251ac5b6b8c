"""The contract register as a spreadsheet: the same columns for export and import, so a buyer can
export, edit in a spreadsheet and import back. Clause columns come from clauses.register."""

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from clauses import register as clauses_register
from core.tabular import unescape_cell
from core.utils import normalise_siret, siret_error, texte_interdit

from . import decp_labels as L
from .decp_labels import considerations_environnementales, considerations_sociales
from .enums import Nature, Procedure

BASE_COLUMNS = [
    "acheteur_siret", "id", "objet", "famille", "code_cpv", "nature", "procedure", "montant_ht", "date_lancement",
    "date_notification", "duree_mois", "lieu_code_postal", "titulaires_sirets", "considerations_sociales",
    "considerations_environnementales",
]
COLUMNS = BASE_COLUMNS + list(clauses_register.COLUMNS)
# Read-only columns the list export adds after the register's (ignored by the import).
LIST_EXTRA_COLUMNS = ["acheteur", "direction", "titulaires", "conformite", "manquements"]
LIST_SEP = "|"


def _row(marche, clause_values) -> dict:
    titulaires = getattr(marche, "titulaires_list", None)
    if titulaires is None:
        titulaires = [a for a in marche.attributions.all() if a.role == "titulaire"]
    row = {
        "acheteur_siret": marche.acheteur.siret,
        "id": marche.identifiant,
        "objet": marche.objet,
        "famille": marche.famille.nom if marche.famille_id else "",
        "code_cpv": marche.code_cpv,
        "nature": marche.nature,
        "procedure": marche.procedure,
        "montant_ht": marche.montant_ht,
        "date_lancement": marche.date_lancement,
        "date_notification": marche.date_notification,
        "duree_mois": marche.duree_mois,
        "lieu_code_postal": marche.lieu_code if marche.lieu_type_code in ("", "Code postal") else "",
        "titulaires_sirets": LIST_SEP.join(a.entreprise.siret for a in titulaires),
        "considerations_sociales": LIST_SEP.join(considerations_sociales(marche)),
        "considerations_environnementales": LIST_SEP.join(considerations_environnementales(marche)),
        "acheteur": marche.acheteur.nom,
        "direction": str(marche.direction) if marche.direction_id else "",
        "titulaires": LIST_SEP.join(a.entreprise.nom or a.entreprise.siret for a in titulaires),
        "conformite": marche.get_statut_conformite_display(),
        "manquements": LIST_SEP.join(marche.manquements or []),
    }
    row.update({c: "" for c in clauses_register.COLUMNS})
    row.update(clause_values.get(marche.pk, {}))
    return row


def rows(queryset, chunk_size: int = 1000):
    """Register rows of a queryset (with titulaires prefetched), chunk by chunk: a fixed number of
    queries per thousand contracts."""
    iterator = queryset.iterator(chunk_size=chunk_size)
    while True:
        chunk = list(islice(iterator, chunk_size))
        if not chunk:
            return
        clause_values = clauses_register.export_values([m.pk for m in chunk])
        for marche in chunk:
            yield _row(marche, clause_values)


# --- Import ------------------------------------------------------------------------------------------

REQUIRED = ["acheteur_siret", "id", "objet"]
CPV_RE = re.compile(r"^[0-9]{8}(-[0-9])?$")


class RegistreError(Exception):
    pass


@dataclass
class Ligne:
    numero: int  # spreadsheet row number (the header is row 1)
    acheteur_siret: str
    identifiant: str
    champs: dict
    famille_nom: str
    titulaires: list
    clauses: dict | None


@dataclass
class Lecture:
    fichier: str
    lignes: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)  # (fichier, row, column, reason)

    def erreur(self, numero, colonne, raison):
        self.erreurs.append({"fichier": self.fichier, "ligne": numero, "colonne": colonne, "raison": raison})

    @property
    def texte_erreurs(self):
        return [f"{e['fichier']} : ligne {e['ligne']}" + (f", colonne « {e['colonne']} »" if e["colonne"] else "")
                + f" : {e['raison']}" for e in self.erreurs]


def read_table(data: bytes, fichier: str) -> list[dict]:
    """CSV (';' or ',', UTF-8 with or without BOM) or XLSX -> rows as dicts with lower-case headers."""
    import pandas as pd

    try:
        if data[:2] == b"PK":
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)
        else:
            text = data.decode("utf-8-sig")
            first = text.split("\n", 1)[0]
            sep = ";" if first.count(";") >= first.count(",") else ","
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except UnicodeDecodeError as exc:
        raise RegistreError("le fichier n'est pas encodé en UTF-8") from exc
    except Exception as exc:  # pandas raises many kinds of errors on garbage
        raise RegistreError(f"fichier illisible ({exc.__class__.__name__})") from exc
    frame.columns = [str(c).strip().lower().lstrip("\ufeff") for c in frame.columns]
    return frame.to_dict(orient="records")


def _labels_index(labels):
    from .decp import _key

    return {_key(label): label for label in labels}


def _split(value) -> list[str]:
    return [part.strip() for part in str(value or "").split(LIST_SEP) if part.strip()]


def _parse_date(text):
    text = str(text or "").strip()
    if not text:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return datetime.date.fromisoformat(text[:10])
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if match:
        return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    raise ValueError(text)


def parse(data: bytes, fichier: str) -> Lecture:
    from .decp import (
        CENTIMES,
        ENTIER_MAX,
        MONTANT_MAX,
        _enum_index,
        _key,
        procedure_approchee,
    )

    lecture = Lecture(fichier=fichier)
    try:
        rows = read_table(data, fichier)
    except RegistreError as exc:
        lecture.erreur(None, "", str(exc))
        return lecture
    if not rows:
        lecture.erreur(None, "", "aucune ligne de données")
        return lecture
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        lecture.erreur(1, ", ".join(missing), "colonne obligatoire absente")
        return lecture
    sociales, environnementales = _labels_index(L.SOCIALES), _labels_index(L.ENVIRONNEMENTALES)
    seen = {}
    for offset, raw in enumerate(rows):
        numero = offset + 2
        row = {k: unescape_cell(str(v).strip()) if v is not None else "" for k, v in raw.items()}
        if not any(row.values()):
            continue
        errors_before = len(lecture.erreurs)
        err = lambda col, reason, n=numero: lecture.erreur(n, col, reason)  # noqa: E731
        for col, value in row.items():
            if texte_interdit(value):
                err(col, "caractère interdit (caractère nul ou codage invalide)")
                row[col] = ""
        siret = normalise_siret(row.get("acheteur_siret"))
        if siret_error(siret):
            err("acheteur_siret", siret_error(siret))
        identifiant = row.get("id", "")
        if not identifiant:
            err("id", "identifiant obligatoire")
        elif len(identifiant) > 32:
            err("id", "32 caractères au plus")
        if (siret, identifiant) in seen:
            err("id", f"même acheteur et même identifiant qu'à la ligne {seen[(siret, identifiant)]}")
        seen[(siret, identifiant)] = numero
        champs = {}
        champs["objet"] = row.get("objet", "")
        if not champs["objet"]:
            err("objet", "objet obligatoire")
        code = row.get("code_cpv", "").replace(" ", "")
        if code and not CPV_RE.match(code):
            err("code_cpv", f"« {code} » : 8 chiffres attendus (ex. 45233140 ou 45233140-2)")
        champs["code_cpv"] = code
        for col, cls, default, approx in (("nature", Nature, Nature.MARCHE, None),
                                           ("procedure", Procedure, "", procedure_approchee)):
            value = row.get(col, "")
            if not value:
                champs[col] = default
                continue
            canonical = _enum_index(cls).get(_key(value)) or (approx(_key(value)) if approx else None)
            if canonical is None:
                err(col, f"valeur inconnue « {value} »")
            champs[col] = str(canonical or default)
        champs["categorie"] = "concession" if champs["nature"] in (
            Nature.CONCESSION_TRAVAUX, Nature.CONCESSION_SERVICE, Nature.CONCESSION_SERVICE_PUBLIC, Nature.DSP
        ) else "marche"
        montant = row.get("montant_ht", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
        champs["montant_ht"] = None
        if montant:
            try:
                champs["montant_ht"] = Decimal(montant.replace(",", "."))
                if champs["montant_ht"] < 0 or not champs["montant_ht"].is_finite():
                    err("montant_ht", "montant négatif")
                elif champs["montant_ht"] > MONTANT_MAX:
                    err("montant_ht", f"« {montant} » dépasse le montant maximal ({MONTANT_MAX} €)")
                else:
                    champs["montant_ht"] = champs["montant_ht"].quantize(CENTIMES)
            except InvalidOperation:
                err("montant_ht", f"« {montant} » n'est pas un montant")
        for col in ("date_lancement", "date_notification"):
            try:
                champs[col] = _parse_date(row.get(col))
            except ValueError:
                err(col, f"« {row.get(col)} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")
        duree = row.get("duree_mois", "")
        champs["duree_mois"] = None
        if duree:
            try:
                number = Decimal(duree.replace(",", "."))
                if number < 0 or number != number.to_integral() or number > ENTIER_MAX:
                    raise InvalidOperation
                champs["duree_mois"] = int(number)
            except InvalidOperation:
                err("duree_mois", f"« {duree} » n'est pas un nombre entier de mois")
        code_postal = row.get("lieu_code_postal", "")
        if code_postal and not re.fullmatch(r"[0-9]{5}", code_postal):
            err("lieu_code_postal", f"« {code_postal} » : 5 chiffres attendus")
        champs["lieu_code"] = code_postal
        champs["lieu_type_code"] = "Code postal" if code_postal else ""
        titulaires = []
        for value in _split(row.get("titulaires_sirets")):
            value = normalise_siret(value)
            if siret_error(value):
                err("titulaires_sirets", f"{value} : {siret_error(value)}")
            titulaires.append(value)
        flags = {"clause_sociale": False, "critere_social": False, "marche_reserve": False,
                 "clause_environnementale": False, "critere_environnemental": False}
        mapping = {L.CLAUSE_SOCIALE: "clause_sociale", L.CRITERE_SOCIAL: "critere_social",
                   L.MARCHE_RESERVE: "marche_reserve", L.CLAUSE_ENV: "clause_environnementale",
                   L.CRITERE_ENV: "critere_environnemental"}
        for col, index in (("considerations_sociales", sociales), ("considerations_environnementales",
                                                                   environnementales)):
            for value in _split(row.get(col)):
                label = index.get(_key(value))
                if label is None:
                    err(col, f"valeur inconnue « {value} » (attendu : {', '.join(index.values())})")
                elif label in mapping:
                    flags[mapping[label]] = True
        champs.update(flags)
        clause_values, clause_errors = clauses_register.parse(row)
        for col, reason in clause_errors:
            err(col, reason)
        if len(lecture.erreurs) == errors_before:
            lecture.lignes.append(Ligne(numero, siret, identifiant, champs, row.get("famille", ""), titulaires,
                                        clause_values))
    return lecture


def familles_par_nom() -> dict:
    from clauses.models import FamilleAchat

    from .decp import _key

    return {_key(f.nom): f for f in FamilleAchat.objects.all()}


def valider_references(lecture: Lecture):
    """Checks that need the database (purchase families by name)."""
    from .decp import _key

    familles = familles_par_nom()
    for ligne in lecture.lignes:
        if ligne.famille_nom and _key(ligne.famille_nom) not in familles:
            lecture.erreur(ligne.numero, "famille", f"famille d'achat inconnue « {ligne.famille_nom} »")
    return familles


def modele_csv() -> str:
    """The template: headers and one example row."""
    exemple = {
        "acheteur_siret": "22400001800016", "id": "2026-0001", "objet": "Entretien des espaces verts des collèges",
        "famille": "", "code_cpv": "77310000", "nature": "Marché", "procedure": "Procédure adaptée",
        "montant_ht": "180000", "date_lancement": "2026-09-01", "date_notification": "2026-11-15",
        "duree_mois": "36", "lieu_code_postal": "40000", "titulaires_sirets": "73282932000074",
        "considerations_sociales": "Clause sociale", "considerations_environnementales":
            "Clause environnementale|Critère environnemental",
        "clause_insertion_part_main_oeuvre": "0.6", "clause_insertion_taux": "0.07",
        "clause_insertion_cout_horaire": "28",
    }
    from core.tabular import csv_stream

    return "".join(csv_stream(COLUMNS, [exemple]))
