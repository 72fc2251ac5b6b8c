"""The contract register as a spreadsheet: the same columns for export and import, so a buyer can
export, edit in a spreadsheet and import back. Clause columns come from clauses.register.

Whatever the database holds goes out and comes back unchanged, including contracts that came from DECP files
with anomalies: what is an anomaly (kept, reported) and what is an error (file refused) is decided by the rules
the DECP import uses too (marches.decp_regles). A contract without an id, or sharing its id with another, is
known by its published DECP id (column `id_decp`, assigned once and never changed)."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import InvalidOperation
from itertools import islice

from clauses import register as clauses_register
from clauses.models import FamilleAchat
from core.imports import ANOMALIE, FichierRefuse, Probleme, erreurs_bornees, lire_tableau
from core.tabular import csv_stream, unescape_cell
from core.utils import decimal_fr, texte_interdit

from . import decp_labels as L
from . import decp_regles as regles
from .decp_labels import considerations_environnementales, considerations_sociales
from .enums import Nature, Procedure, TypeLieu

BASE_COLUMNS = [
    "acheteur_siret", "id", "id_decp", "objet", "famille", "code_cpv", "nature", "procedure", "montant_ht", "date_lancement",
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
        "id_decp": marche.decp_id,
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
    queries per thousand contracts. Contracts without a published id get theirs first (one bulk write, once),
    so that every row can be found again on import."""
    from .decp_services import decp_ids_attribuer

    decp_ids_attribuer(queryset=queryset)
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


@dataclass
class Ligne:
    numero: int  # spreadsheet row number (the header is row 1)
    acheteur_siret: str
    identifiant: str
    champs: dict
    famille_nom: str
    titulaires: list
    clauses: dict | None
    decp_id: str = ""


@dataclass
class Lecture:
    fichier: str
    lignes: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)  # core.imports.Probleme: the file is refused
    anomalies: list = field(default_factory=list)  # core.imports.Probleme (nature ANOMALIE): kept and reported

    def erreur(self, numero, colonne, raison):
        self.erreurs.append(Probleme(self.fichier, numero, colonne, raison))

    def anomalie(self, numero, colonne, raison, identifiant=""):
        self.anomalies.append(Probleme(self.fichier, numero, colonne, raison, ANOMALIE, identifiant=identifiant))

    @property
    def texte_erreurs(self):
        return [str(e) for e in self.erreurs]


def read_table(data: bytes, fichier: str) -> list[dict]:
    """CSV or XLSX (core.imports.lire_tableau: bounded, encoding and separator detected) -> rows as dicts with
    lower-case headers. Raises core.imports.FichierRefuse."""
    tableau = lire_tableau(data=data, fichier=fichier)
    return [dict(zip(tableau.colonnes, row, strict=True)) for row in tableau.lignes], tableau.colonnes


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


def colonnes_inconnues(colonnes: list[str]) -> list[str]:
    """The header's names that are neither a column of the register nor one the contract list's export adds
    (LIST_EXTRA_COLUMNS, ignored on import): a misspelt column would otherwise be dropped silently. Unnamed
    columns are ignored."""
    connues = set(COLUMNS) | set(LIST_EXTRA_COLUMNS)
    return [c for c in colonnes if c and c not in connues]


def parse(data: bytes, fichier: str) -> Lecture:
    from .decp import (
        CENTIMES,
        ENTIER_MAX,
        MONTANT_MAX,
        _enum_index,
        _key,
        libelles_index,
        procedure_approchee,
    )

    lecture = Lecture(fichier=fichier)
    try:
        rows, colonnes = read_table(data, fichier)
    except FichierRefuse as exc:
        lecture.erreurs.append(exc.probleme)
        return lecture
    if not rows:
        lecture.erreur(None, "", "aucune ligne de données")
        return lecture
    missing = [c for c in REQUIRED if c not in colonnes]
    if missing:
        lecture.erreur(1, ", ".join(missing), "colonne obligatoire absente")
        return lecture
    if inconnues := colonnes_inconnues(colonnes):
        noms = ", ".join(f"« {c} »" for c in inconnues[:20]) + (f" et {len(inconnues) - 20} autres"
                                                              if len(inconnues) > 20 else "")
        lecture.erreur(1, "", f"{'colonnes inconnues' if len(inconnues) > 1 else 'colonne inconnue'} : {noms} "
                              f"(rien n'a été enregistré ; les colonnes acceptées sont celles du modèle de fichier)")
        return lecture
    sociales, environnementales = libelles_index(L.SOCIALES), libelles_index(L.ENVIRONNEMENTALES)
    seen = {}
    for offset, raw in enumerate(rows):
        numero = offset + 2
        row = {k: unescape_cell(str(v).strip()) if v is not None else "" for k, v in raw.items()}
        if not any(row.values()):
            continue
        if erreurs_bornees(lecture.erreurs, fichier):
            break
        errors_before = len(lecture.erreurs)
        err = lambda col, reason, n=numero: lecture.erreur(n, col, reason)  # noqa: E731
        for col, value in row.items():
            if texte_interdit(value):
                err(col, "caractère interdit (caractère nul ou codage invalide)")
                row[col] = ""
        identifiant = row.get("id", "")
        decp_id = row.get("id_decp", "")
        anomalie = lambda col, reason, n=numero, i=identifiant or decp_id: lecture.anomalie(n, col, reason, i)  # noqa: E731
        verdict = regles.acheteur_siret(row.get("acheteur_siret"))
        siret = verdict.valeur
        if verdict.erreur:
            err("acheteur_siret", verdict.erreur)
        elif verdict.anomalie:
            anomalie("acheteur_siret", verdict.anomalie)
        verdict = regles.marche_identifiant(identifiant)
        if verdict.erreur:
            err("id", verdict.erreur)
        elif verdict.anomalie and not decp_id:
            err("id", "identifiant obligatoire (ou, à défaut, l'identifiant publié « id_decp »)")
        elif verdict.anomalie:
            anomalie("id", f"{verdict.anomalie} : marché reconnu par son identifiant publié « {decp_id} »")
        if len(decp_id) > regles.DECP_ID_MAX:
            err("id_decp", f"{regles.DECP_ID_MAX} caractères au plus (identifiant publié en DECP)")
        key = (siret, "id_decp", decp_id) if decp_id else (siret, "id", identifiant)
        if key in seen:
            err(key[1], f"même acheteur et même {'identifiant publié' if decp_id else 'identifiant'} "
                        f"qu'à la ligne {seen[key]}")
        seen[key] = numero
        champs = {}
        champs["objet"] = row.get("objet", "")
        if not champs["objet"]:
            err("objet", "objet obligatoire")
        verdict = regles.code_cpv(row.get("code_cpv", ""))
        if verdict.erreur:
            err("code_cpv", verdict.erreur)
        elif verdict.anomalie:
            anomalie("code_cpv", verdict.anomalie)
        champs["code_cpv"] = verdict.valeur
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
                champs["montant_ht"] = decimal_fr(montant)
                if champs["montant_ht"] < 0:
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
                number = decimal_fr(duree)
                if number < 0 or number > ENTIER_MAX:
                    raise InvalidOperation
                verdict = regles.entier(number, duree)  # a decimal is rounded and reported, as in DECP files
                if verdict.anomalie:
                    anomalie("duree_mois", verdict.anomalie)
                champs["duree_mois"] = verdict.valeur
            except InvalidOperation:
                err("duree_mois", f"« {duree} » n'est pas un nombre entier de mois")
        code_postal = row.get("lieu_code_postal", "")
        verdict = regles.lieu(code_postal, TypeLieu.CODE_POSTAL)
        if verdict.anomalie:  # a town's name in the column: kept as the place's name, as the DECP import does
            anomalie("lieu_code_postal", verdict.anomalie)
            champs["lieu_nom"] = verdict.valeur[2][:255]
        champs["lieu_code"] = verdict.valeur[0]
        champs["lieu_type_code"] = TypeLieu.CODE_POSTAL.value if verdict.valeur[0] else ""
        titulaires = []
        for value in _split(row.get("titulaires_sirets")):
            verdict = regles.entreprise_identifiant(value)
            if verdict.erreur:
                err("titulaires_sirets", verdict.erreur)
            elif verdict.anomalie:
                anomalie("titulaires_sirets", verdict.anomalie)
            if verdict.valeur[0] not in titulaires:
                titulaires.append(verdict.valeur[0])
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
                                        clause_values, decp_id))
    return lecture


def familles_par_nom() -> dict:
    from .decp import _key

    return {_key(f.nom): f for f in FamilleAchat.objects.all()}


def valider_references(lecture: Lecture):
    """Checks that need the database (purchase families by name; a published id names the contract it was
    given to, and is never changed)."""
    from .decp import _key

    familles = familles_par_nom()
    publies = {(ligne.acheteur_siret, ligne.decp_id) for ligne in lecture.lignes if ligne.decp_id}
    for ligne in lecture.lignes:
        if ligne.famille_nom and _key(ligne.famille_nom) not in familles:
            lecture.erreur(ligne.numero, "famille", f"famille d'achat inconnue « {ligne.famille_nom} »")
        if ligne.decp_id and ligne.identifiant:
            autre = _par_identifiant(ligne)
            if autre is not None and autre.decp_id and autre.decp_id != ligne.decp_id \
                    and (ligne.acheteur_siret, autre.decp_id) not in publies and _par_decp_id(ligne) is None:
                lecture.erreur(ligne.numero, "id_decp", f"le marché « {ligne.identifiant} » est publié sous "
                               f"l'identifiant « {autre.decp_id} », qui ne change pas (« {ligne.decp_id} » lu)")
    return familles


def _par_decp_id(ligne):
    from .models import Marche

    return Marche.objects.filter(acheteur__siret=ligne.acheteur_siret, decp_id=ligne.decp_id).first()


def _par_identifiant(ligne):
    from .models import Marche

    return Marche.objects.filter(acheteur__siret=ligne.acheteur_siret, identifiant=ligne.identifiant,
                                 discriminant="").first()


def marche_trouver(ligne: Ligne):
    """The stored contract a row is: by its published id when the row gives one, else by its id."""
    if ligne.decp_id:
        found = _par_decp_id(ligne)
        if found is not None:
            return found
    found = _par_identifiant(ligne) if ligne.identifiant else None
    if found is not None and ligne.decp_id and found.decp_id and found.decp_id != ligne.decp_id:
        return None  # another contract with the same id (lots sharing one): this row is a contract of its own
    return found


def marche_nouveau(*, organisation, ligne: Ligne):
    """The unsaved contract of a row no stored contract is. Its published id is the row's; when the row's id
    is empty or already names another contract of the buyer, the published id keeps the two apart."""
    from .enums import Origine
    from .models import Marche

    discriminant = ""
    if ligne.decp_id and (not ligne.identifiant or Marche.objects.filter(
            acheteur=organisation, identifiant=ligne.identifiant, discriminant="").exists()):
        discriminant = f"id_decp:{ligne.decp_id}"
    return Marche(acheteur=organisation, identifiant=ligne.identifiant, discriminant=discriminant,
                  decp_id=ligne.decp_id, origine=Origine.REGISTRE)


def champs_a_ecrire(*, marche, ligne: Ligne, creation: bool) -> dict:
    """The fields a row sets on its contract. An empty postal code leaves a place given otherwise (a commune or
    département code from a DECP file, or a place known by its name) as it is, and never changes the kind of code
    of a contract that has no place."""
    champs = dict(ligne.champs)
    if not champs.get("lieu_code") and "lieu_nom" not in champs:
        champs.pop("lieu_type_code", None)
        if not creation and marche.lieu_code and marche.lieu_type_code not in ("", TypeLieu.CODE_POSTAL):
            champs.pop("lieu_code", None)
    return champs


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

    return "".join(csv_stream(COLUMNS, [exemple]))
