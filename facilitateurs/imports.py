"""Imports of participants and monthly hours from CSV (`;` or `,`, UTF-8 with or without BOM) or XLSX.

Both read their file with core.imports.lire_tableau (bounded rows and columns) and are all-or-nothing: every bad
row is reported (core.imports.Probleme: file, row, column, reason; at most IMPORT_ERREURS_MAX) and nothing is written
when there is one. An hours file is also refused when two of its rows share a key (contract, company,
participant, month, modality: both lines named) and when its hours are implausible by the rule the grid
applies too (services.heures_anomalies: at most settings.SPASER['HEURES_MAX_PAR_MOIS'] hours per person and
month, all contracts together; none outside the participant's placement). Writes are bulk upserts on the natural keys, so re-importing the same rows replaces
values instead of counting them twice; 200,000 hour rows import in well under a minute on PostgreSQL
(lookups pre-loaded into dicts, `bulk_create(update_conflicts=True)`). Each import is recorded in
core.ImportJournal (who, when, file, counts): bulk writes bypass simple-history.

Hours columns: acheteur_siret, marche_id, entreprise_siret, entreprise_nom, entreprise_code_postal,
participant_code, mois (AAAA-MM), heures (decimal, comma or point), modalite, type_contrat; optional
montant_ht (euros of a sub-/co-contracting to an SIAE; converted to hours by the selectors).
Participants columns: code, annee_naissance, sexe (F/M/X), code_postal, qpv (oui/non),
publics (codes separated by |), date_eligibilite (AAAA-MM-JJ or JJ/MM/AAAA).
"""

import datetime
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core.imports import FichierRefuse, Probleme, erreurs_bornees, journal_enregistrer, lire_tableau
from core.models import ImportJournal
from core.services import auteur_noter
from core.tabular import csv_stream, xlsx_feuilles_bytes
from core.utils import chunks, decimal_fr, siret_error, texte_interdit
from marches.models import Entreprise, Marche

from .enums import Modalite, Public, Sexe, TypeContrat
from .models import Eligibilite, HeuresMensuelles, Participant
from .services import HeuresSaisies, heures_anomalies, validite_par_defaut
from .validators import CODE_PARTICIPANT_MESSAGE, code_participant_valide

COLONNES_HEURES = ["acheteur_siret", "marche_id", "entreprise_siret", "entreprise_nom", "entreprise_code_postal",
                   "participant_code", "mois", "heures", "modalite", "type_contrat"]
COLONNES_HEURES_OPTIONNELLES = ["montant_ht"]
COLONNES_PARTICIPANTS = ["code", "annee_naissance", "sexe", "code_postal", "qpv", "publics", "date_eligibilite"]
APERCU_LIGNES = 50
MODALITES_SANS_PARTICIPANT = {Modalite.SOUS_TRAITANCE_SIAE, Modalite.CO_TRAITANCE_SIAE}
COLONNES_CLE = "marche_id, entreprise_siret, participant_code, mois, modalite"  # an hours row's key


@dataclass
class ResultatImport:
    fichier: str
    type: str
    lignes: int = 0
    erreurs: list[Probleme] = field(default_factory=list)
    crees: int = 0
    mis_a_jour: int = 0
    entreprises_creees: int = 0
    apercu: list[dict] = field(default_factory=list)
    colonnes: list[str] = field(default_factory=list)
    enregistre: bool = False

    @property
    def ok(self) -> bool:
        return not self.erreurs

    def messages_erreurs(self) -> list[str]:
        return [str(e) for e in self.erreurs]


def _index(headers, required, optional, resultat) -> dict | None:
    index = {name: i for i, name in enumerate(headers) if name}
    missing = [c for c in required if c not in index]
    for column in missing:
        resultat.erreurs.append(Probleme(resultat.fichier, 1, column, "colonne absente de l'en-tête"))
    resultat.colonnes = [c for c in required + optional if c in index]
    return None if missing else index


MOIS_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def parse_mois(value: str) -> datetime.date:
    match = MOIS_RE.match(value)
    if not match:
        match_fr = re.match(r"^(\d{1,2})/(\d{4})$", value)
        if not match_fr:
            raise ValueError
        return datetime.date(int(match_fr.group(2)), int(match_fr.group(1)), 1)
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def parse_date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


MONTANT_MAX = Decimal("9999999999.99")  # HeuresMensuelles.montant_ht is DECIMAL(12, 2)


def _chiffres(value: str, n: int) -> bool:
    """Exactly n ASCII digits ("²" or "٤" are digits for str.isdigit(), not for a SIRET or a postal code)."""
    return len(value) == n and value.isascii() and value.isdigit()


def _caracteres_interdits(row, index, line, erreurs, fichier) -> None:
    for name in index:
        if texte_interdit(_get(row, index, name)):
            erreurs.append(Probleme(fichier, line, name, "caractère interdit (caractère nul ou codage invalide)"))


def _get(row, index, name) -> str:
    i = index.get(name)
    return row[i].strip() if i is not None and i < len(row) and row[i] is not None else ""



def _cle(texte: str) -> str:
    """A code or a label as looked up: case and repeated spaces ignored."""
    return " ".join(texte.split()).casefold()


def codes_et_libelles(choices) -> dict[str, str]:
    """Every code of a choice list and every label the screens show, to the code: a file may say EMBAUCHE_DIRECTE
    or "Embauche directe", CDDI or "CDDI (insertion)"."""
    table = {_cle(str(label)): value for value, label in choices.choices}
    table.update({_cle(value): value for value in choices.values})
    return table


MODALITES = codes_et_libelles(Modalite)
TYPES_CONTRAT = codes_et_libelles(TypeContrat)
PUBLICS = codes_et_libelles(Public)
SEXES = codes_et_libelles(Sexe)


# Hours -------------------------------------------------------------------------------------------

def import_heures(path: str, *, user=None, nom: str | None = None, dry_run: bool = False) -> ResultatImport:
    nom = nom or os.path.basename(path)
    resultat = ResultatImport(fichier=nom, type=ImportJournal.Format.HEURES)
    try:
        tableau = lire_tableau(path=path, fichier=nom)
    except FichierRefuse as exc:
        resultat.erreurs.append(exc.probleme)
        return resultat
    headers, rows = tableau.colonnes, tableau.lignes
    index = _index(headers, COLONNES_HEURES, COLONNES_HEURES_OPTIONNELLES, resultat)
    if index is None:
        return resultat
    resultat.lignes = len(rows)
    erreurs = resultat.erreurs
    parsed = []  # (line, acheteur_siret, marche_id, entreprise_siret, nom, cp, code, mois, heures, modalite, type, montant)
    siret_errors = {}
    premieres = {}  # the row's key (contract, company, participant, month, modality) -> its first line
    for offset, row in enumerate(rows):
        line = offset + 2
        if not any(row):
            continue
        if erreurs_bornees(erreurs, nom):
            break
        acheteur_siret = "".join(_get(row, index, "acheteur_siret").split())
        marche_id = _get(row, index, "marche_id")
        entreprise_siret = "".join(_get(row, index, "entreprise_siret").split())
        code_postal = _get(row, index, "entreprise_code_postal")
        code = _get(row, index, "participant_code")
        before = len(erreurs)
        _caracteres_interdits(row, index, line, erreurs, nom)
        if not _chiffres(acheteur_siret, 14):
            erreurs.append(Probleme(nom, line, "acheteur_siret", f"SIRET de l'acheteur invalide « {acheteur_siret} »"))
        if not marche_id:
            erreurs.append(Probleme(nom, line, "marche_id", "identifiant du marché vide"))
        if entreprise_siret not in siret_errors:
            siret_errors[entreprise_siret] = siret_error(entreprise_siret)
        if siret_errors[entreprise_siret]:
            erreurs.append(Probleme(nom, line, "entreprise_siret", siret_errors[entreprise_siret]))
        if code_postal and not _chiffres(code_postal, 5):
            erreurs.append(Probleme(nom, line, "entreprise_code_postal", f"code postal invalide « {code_postal} »"))
        if len(_get(row, index, "entreprise_nom")) > 255:
            erreurs.append(Probleme(nom, line, "entreprise_nom", "raison sociale de plus de 255 caractères"))
        try:
            mois = parse_mois(_get(row, index, "mois"))
        except ValueError:
            mois = None
            erreurs.append(Probleme(nom, line, "mois", f"mois invalide « {_get(row, index, 'mois')} » (attendu AAAA-MM)"))
        heures_text = _get(row, index, "heures")
        try:
            heures = decimal_fr(heures_text) if heures_text else Decimal("0")
            if heures < 0 or heures > 744:
                raise InvalidOperation
            heures = heures.quantize(Decimal("0.01"))
        except InvalidOperation:
            heures = None
            erreurs.append(Probleme(nom, line, "heures", f"nombre d'heures invalide « {heures_text} »"))
        modalite = MODALITES.get(_cle(_get(row, index, "modalite")))
        if modalite is None:
            erreurs.append(Probleme(nom, line, "modalite", f"modalité inconnue « {_get(row, index, 'modalite')} » "
                                                           "(un code ou un libellé du modèle de fichier)"))
        type_text = _get(row, index, "type_contrat")
        type_contrat = TYPES_CONTRAT.get(_cle(type_text), None) if type_text else ""
        if type_contrat is None:
            erreurs.append(Probleme(nom, line, "type_contrat", f"type de contrat inconnu « {type_text} »"))
        montant_text = _get(row, index, "montant_ht")
        montant = None
        if montant_text:
            try:
                montant = decimal_fr(montant_text)
                if montant < 0 or montant > MONTANT_MAX:
                    raise InvalidOperation
                montant = montant.quantize(Decimal("0.01"))
                if modalite not in MODALITES_SANS_PARTICIPANT:
                    erreurs.append(Probleme(nom, line, "montant_ht",
                                          "un montant ne s'indique que pour la sous- ou co-traitance à une SIAE"))
            except InvalidOperation:
                erreurs.append(Probleme(nom, line, "montant_ht", f"montant invalide « {montant_text} »"))
        if not code and modalite not in MODALITES_SANS_PARTICIPANT:
            erreurs.append(Probleme(nom, line, "participant_code", "code du participant vide"))
        if len(erreurs) == before:
            cle = (acheteur_siret, marche_id, entreprise_siret, code, mois, modalite)
            if cle in premieres:  # two values for one key: which one is right is the sender's call, not ours
                erreurs.append(Probleme(nom, line, COLONNES_CLE, (
                    f"ligne en double : même marché, entreprise, participant, mois et modalité que la ligne "
                    f"{premieres[cle]} ({marche_id}, {entreprise_siret}, {code or 'sans participant'}, "
                    f"{mois:%m/%Y}, {Modalite(modalite).label}) ; gardez une seule des lignes {premieres[cle]} "
                    f"et {line}")))
                continue
            premieres[cle] = line
            parsed.append((line, acheteur_siret, marche_id, entreprise_siret, _get(row, index, "entreprise_nom"),
                           code_postal, code, mois, heures, modalite, type_contrat, montant))

    # Lookups, pre-loaded into dicts.
    marches = {}
    keys = {(r[1], r[2]) for r in parsed}
    for chunk in chunks({k[1] for k in keys}):
        for pk, siret, identifiant in Marche.objects.filter(identifiant__in=chunk).values_list(
                "pk", "acheteur__siret", "identifiant"):
            marches.setdefault((siret, identifiant), []).append(pk)
    participants = {}
    for chunk in chunks({r[6] for r in parsed if r[6]}):
        participants.update(Participant.objects.filter(code__in=chunk).values_list("code", "pk"))
    entreprises = {}
    for chunk in chunks({r[3] for r in parsed}):
        for e in Entreprise.objects.filter(siret__in=chunk):
            entreprises[e.siret] = e
    nouvelles = {}
    ok_rows, lignes_ok = [], []
    for line, ach, mid, esiret, enom, ecp, code, mois, heures, modalite, type_contrat, montant in parsed:
        before = len(erreurs)
        pks = marches.get((ach, mid), [])
        if not pks:
            erreurs.append(Probleme(nom, line, "marche_id", f"marché « {mid} » inconnu pour l'acheteur {ach}"))
        elif len(pks) > 1:
            erreurs.append(Probleme(nom, line, "marche_id",
                                  f"identifiant « {mid} » ambigu : {len(pks)} marchés de l'acheteur {ach} le portent"))
        if code and code not in participants:
            erreurs.append(Probleme(nom, line, "participant_code", f"participant « {code} » inconnu"))
        if esiret not in entreprises and esiret not in nouvelles:
            if not enom:
                erreurs.append(Probleme(nom, line, "entreprise_nom", "entreprise inconnue : sa raison sociale est requise"))
            else:
                nouvelles[esiret] = (enom, ecp)
        if len(erreurs) == before:
            ok_rows.append((pks[0], participants.get(code) if code else None, esiret, mois, modalite, type_contrat,
                            heures, montant, ecp))
            lignes_ok.append(line)
    # Plausibility (services.heures_anomalies, the grid's rule too): monthly maximum per person, placement dates.
    saisies = [
        HeuresSaisies(marche_id=r[0], participant_id=r[1],
                      entreprise_id=entreprises[r[2]].pk if r[2] in entreprises else ("nouvelle", r[2]), mois=r[3],
                      modalite=r[4], heures=r[6], ref=line)
        for line, r in zip(lignes_ok, ok_rows, strict=True)]
    for anomalie in heures_anomalies(saisies):
        autres = anomalie.refs[1:]
        if autres:
            anomalie.message += f" (lignes {', '.join(str(ref) for ref in anomalie.refs)} du fichier)"
        erreurs.append(Probleme(nom, anomalie.refs[0], anomalie.colonne, anomalie.message))
    erreurs.sort(key=lambda e: (e.ligne is None, e.ligne or 0, e.colonne))
    if erreurs and erreurs[-1].ligne is not None:
        erreurs_bornees(erreurs, nom)
    for r in parsed[:APERCU_LIGNES]:
        resultat.apercu.append({"ligne": r[0], "acheteur_siret": r[1], "marche_id": r[2], "entreprise_siret": r[3],
                                "participant_code": r[6], "mois": r[7].strftime("%m/%Y"), "heures": r[8],
                                "modalite": r[9], "type_contrat": r[10], "montant_ht": r[11]})
    if erreurs or dry_run:
        return resultat

    with transaction.atomic():
        for siret, (enom, ecp) in nouvelles.items():
            entreprise = Entreprise(siret=siret, nom=enom, code_postal=ecp)
            auteur_noter(entreprise, user=user, reason=f"Créée à l'import des heures ({nom})")
            entreprise.save()
            entreprises[siret] = entreprise
        resultat.entreprises_creees = len(nouvelles)
        codes_postaux = {r[2]: r[8] for r in ok_rows if r[8]}
        for siret, cp in codes_postaux.items():
            entreprise = entreprises[siret]
            if not entreprise.code_postal:
                entreprise.code_postal = cp
                auteur_noter(entreprise, user=user, reason=f"Code postal reçu à l'import des heures ({nom})")
                entreprise.save()
        # One row per key (a file with two is refused above).
        avec, sans = {}, {}
        for marche_id, participant_id, esiret, mois, modalite, type_contrat, heures, montant, _ in ok_rows:
            key = (marche_id, participant_id, entreprises[esiret].pk, mois, modalite)
            (avec if participant_id else sans)[key] = (type_contrat, heures, montant)
        marche_ids = {k[0] for k in list(avec) + list(sans)}
        avant = HeuresMensuelles.objects.filter(marche_id__in=marche_ids).count()
        now = timezone.now()
        objects = [
            HeuresMensuelles(marche_id=k[0], participant_id=k[1], entreprise_id=k[2], mois=k[3], modalite=k[4],
                             type_contrat=v[0], heures=v[1], montant_ht=v[2], created_at=now, updated_at=now)
            for k, v in avec.items()
        ]
        for batch in chunks(objects, 5000):
            HeuresMensuelles.objects.bulk_create(
                batch, update_conflicts=True, unique_fields=["marche", "participant", "entreprise", "mois", "modalite"],
                update_fields=["type_contrat", "heures", "montant_ht", "updated_at"])
        # Rows without a participant (amount-based): few; the partial unique index has no ON CONFLICT target.
        for k, v in sans.items():
            row = HeuresMensuelles.objects.filter(marche_id=k[0], participant__isnull=True, entreprise_id=k[2],
                                                  mois=k[3], modalite=k[4]).first()
            row = row or HeuresMensuelles(marche_id=k[0], participant=None, entreprise_id=k[2], mois=k[3],
                                          modalite=k[4])
            row.type_contrat, row.heures, row.montant_ht = v[0], v[1] if v[1] is not None else Decimal("0"), v[2]
            auteur_noter(row, user=user, reason=f"Import {nom}")
            row.save()
        apres = HeuresMensuelles.objects.filter(marche_id__in=marche_ids).count()
        resultat.crees = apres - avant
        resultat.mis_a_jour = len(avec) + len(sans) - resultat.crees
        _journal(resultat, user)
    resultat.enregistre = True
    return resultat


def _journal(resultat: ResultatImport, user):
    journal_enregistrer(format=resultat.type, fichier=resultat.fichier, user=user, nb_lus=resultat.lignes,
                        nb_crees=resultat.crees, nb_modifies=resultat.mis_a_jour,
                        rapport={"entreprises_creees": resultat.entreprises_creees})


# Participants ------------------------------------------------------------------------------------

OUI = {"oui", "o", "1", "true", "vrai", "x"}
NON = {"non", "n", "0", "false", "faux", ""}


def import_participants(path: str, *, user=None, nom: str | None = None, dry_run: bool = False) -> ResultatImport:
    nom = nom or os.path.basename(path)
    resultat = ResultatImport(fichier=nom, type=ImportJournal.Format.PARTICIPANTS)
    try:
        tableau = lire_tableau(path=path, fichier=nom)
    except FichierRefuse as exc:
        resultat.erreurs.append(exc.probleme)
        return resultat
    headers, rows = tableau.colonnes, tableau.lignes
    index = _index(headers, COLONNES_PARTICIPANTS, [], resultat)
    if index is None:
        return resultat
    resultat.lignes = len(rows)
    erreurs = resultat.erreurs
    parsed = {}
    this_year = timezone.localdate().year
    for offset, row in enumerate(rows):
        line = offset + 2
        if not any(row):
            continue
        if erreurs_bornees(erreurs, nom):
            break
        before = len(erreurs)
        _caracteres_interdits(row, index, line, erreurs, nom)
        code = _get(row, index, "code")
        if not code or len(code) > 30:
            erreurs.append(Probleme(nom, line, "code", "code vide ou de plus de 30 caractères"))
        elif not code_participant_valide(code):
            erreurs.append(Probleme(nom, line, "code", f"code « {code} » invalide : {CODE_PARTICIPANT_MESSAGE}"))
        elif code in parsed:
            erreurs.append(Probleme(nom, line, "code", f"code « {code} » déjà présent ligne {parsed[code]['ligne']}"))
        annee_text = _get(row, index, "annee_naissance")
        annee = None
        if annee_text:
            if annee_text.isascii() and annee_text.isdigit() and 1900 <= int(annee_text) <= this_year:
                annee = int(annee_text)
            else:
                erreurs.append(Probleme(nom, line, "annee_naissance", f"année invalide « {annee_text} »"))
        sexe_text = _get(row, index, "sexe")
        sexe = SEXES.get(_cle(sexe_text)) if sexe_text else Sexe.X
        if sexe is None:
            erreurs.append(Probleme(nom, line, "sexe", f"sexe invalide « {sexe_text} » (F, M ou X, ou Femme, Homme, "
                                                       "Non précisé)"))
        cp = _get(row, index, "code_postal")
        if cp and not _chiffres(cp, 5):
            erreurs.append(Probleme(nom, line, "code_postal", f"code postal invalide « {cp} »"))
        qpv_text = _get(row, index, "qpv").lower()
        if qpv_text not in OUI | NON:
            erreurs.append(Probleme(nom, line, "qpv", f"valeur invalide « {qpv_text} » (oui ou non)"))
        publics = []
        for item in filter(None, (p.strip() for p in _get(row, index, "publics").split("|"))):
            public = PUBLICS.get(_cle(item))
            if public is None:
                erreurs.append(Probleme(nom, line, "publics", f"public inconnu « {item} »"))
            elif public not in publics:
                publics.append(public)
        date_text = _get(row, index, "date_eligibilite")
        date_elig = None
        if date_text:
            try:
                date_elig = parse_date(date_text)
                if not 1900 <= date_elig.year <= this_year + 1:
                    raise ValueError
            except ValueError:
                erreurs.append(Probleme(nom, line, "date_eligibilite",
                                      f"date invalide « {date_text} » (AAAA-MM-JJ ou JJ/MM/AAAA)"))
        elif publics:
            erreurs.append(Probleme(nom, line, "date_eligibilite", "date requise quand des publics sont indiqués"))
        if len(erreurs) == before:
            parsed[code] = {"ligne": line, "code": code, "annee_naissance": annee, "sexe": sexe, "code_postal": cp,
                            "qpv": qpv_text in OUI, "publics": publics, "date_eligibilite": date_elig}
    resultat.apercu = list(parsed.values())[:APERCU_LIGNES]
    if erreurs or dry_run:
        return resultat
    with transaction.atomic():
        existing = set()
        for chunk in chunks(parsed):
            existing.update(Participant.objects.filter(code__in=chunk).values_list("code", flat=True))
        now = timezone.now()
        Participant.objects.bulk_create(
            [Participant(code=p["code"], annee_naissance=p["annee_naissance"], sexe=p["sexe"],
                         code_postal=p["code_postal"], qpv=p["qpv"], created_at=now) for p in parsed.values()],
            update_conflicts=True, unique_fields=["code"],
            update_fields=["annee_naissance", "sexe", "code_postal", "qpv"], batch_size=2000)
        ids = {}
        for chunk in chunks(parsed):
            ids.update(Participant.objects.filter(code__in=chunk).values_list("code", "pk"))
        validateur = user if user is not None and user.is_authenticated else None
        eligibilites = [
            Eligibilite(participant_id=ids[p["code"]], public=public, date_verification=p["date_eligibilite"],
                        date_fin_validite=validite_par_defaut(p["date_eligibilite"]), valide_par=validateur)
            for p in parsed.values() for public in p["publics"]
        ]
        Eligibilite.objects.bulk_create(eligibilites, update_conflicts=True, unique_fields=["participant", "public"],
                                        update_fields=["date_verification", "date_fin_validite", "valide_par"],
                                        batch_size=2000)
        resultat.crees = len(set(parsed) - existing)
        resultat.mis_a_jour = len(parsed) - resultat.crees
        _journal(resultat, user)
    resultat.enregistre = True
    return resultat



# Template files ----------------------------------------------------------------------------------

MODELES = ("heures", "participants")


def _exemples(type_: str) -> list[dict]:
    """Example rows of a template, written with the labels the screens show (the codes are accepted too)."""
    if type_ == "heures":
        commun = {"acheteur_siret": "22400001800016", "marche_id": "2026-0001", "entreprise_siret": "73282932000074",
                  "entreprise_nom": "Bâtisseurs landais", "entreprise_code_postal": "40000", "mois": "2026-10"}
        return [
            {**commun, "participant_code": "P-0001", "heures": "151,67", "modalite": Modalite.EMBAUCHE_DIRECTE.label,
             "type_contrat": TypeContrat.CDDI.label, "montant_ht": ""},
            {**commun, "participant_code": "", "heures": "0", "modalite": Modalite.SOUS_TRAITANCE_SIAE.label,
             "type_contrat": "", "montant_ht": "4500"},
        ]
    return [{"code": "P-0001", "annee_naissance": "1990", "sexe": Sexe.F.label, "code_postal": "40000",
             "qpv": "non", "publics": f"{Public.RSA.label}|{Public.DELD.label}", "date_eligibilite": "01/10/2026"}]


def _valeurs_possibles(type_: str) -> list[dict]:
    listes = ({"modalite": Modalite, "type_contrat": TypeContrat} if type_ == "heures"
              else {"sexe": Sexe, "publics": Public})
    return [{"colonne": colonne, "code": value, "libellé": str(label)}
            for colonne, choices in listes.items() for value, label in choices.choices]


def modele_fichier(type_: str, format_: str) -> bytes:
    """The template of an import (`heures` or `participants`): the columns and example rows; as XLSX, a second
    sheet lists every accepted code with its label (the import reads the first sheet only)."""
    colonnes = COLONNES_HEURES + COLONNES_HEURES_OPTIONNELLES if type_ == "heures" else COLONNES_PARTICIPANTS
    lignes = [{c: ligne.get(c, "") for c in colonnes} for ligne in _exemples(type_)]
    if format_ == "csv":
        return "".join(csv_stream(colonnes, lignes)).encode("utf-8")
    return xlsx_feuilles_bytes({type_.capitalize(): lignes, "Valeurs possibles": _valeurs_possibles(type_)})
