"""The common indicators of Regulation (EU) 2021/1057 (ESF+), Annex I, computed over an operation's participants.

Sources:
- the list and its structure (1.1 common output indicators for participants, 1.2 other common output indicators,
  2 immediate results, 3 longer-term results; data broken down by gender: women, men, non-binary persons; "the
  total number of participants" computed from the employment-status indicators): Annex I as adopted,
  https://eumonitor.eu/9353000/1/j4nvirkkkr58fyw_j9vvik7m1c3gyxp/vkoseu9025xz (COM(2018)382, 24 June 2021),
  French text: https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX:32021R1057 (JO L 231 du 30.6.2021);
- the codes: the Commission's SFC2021 list (EECO = output, EECR = result), e.g. "Unemployed, including long-term
  unemployed" (EECO02) and "Participants with disabilities" (EECO12) in the SFC support portal's FAQ,
  https://sfc.ec.europa.eu/en/need-collect-individual-data-common-output-indicators-if-operation-focuses-specific-target-group
  (EECO01 is therefore the total number of participants);
- "improved labour market situation": the Commission's definition quoted by the SFC FAQ,
  https://sfc.ec.europa.eu/en/2014/support-ms/part/faq/does-indicator-improved-labour-market-situation-also-cover-participants

Populations (one year, `annee`):
- output indicators: participants who ENTERED an operation in the year (date_entree in the year);
- EECR01 to EECR04: participants whose EXIT is in the year (the exit: their earliest facilitateurs.Sortie on or
  after the entry date);
- EECR05, EECR06: participants whose exit + 6 months falls in the year.

A person counts once per indicator even when in several operations of the scope (distinct participant; for the
output indicators the data of their first entry in the year), and may count in several indicators (EECO02 and
EECO03; EECR03 and EECR04). Age at entry = entry year − birth year (the product stores the birth year only).
Sensitive answers count when "oui": "ne souhaite pas répondre" is not a yes.

`calculer` is a pure function of plain rows (`Ligne`), so tests feed it hand-built participants; `rapport` reads
the scope from the database (fse.selectors) and calls it."""

import datetime
from dataclasses import dataclass, field, replace

from django.utils import timezone

from facilitateurs.enums import CategorieSortie, Sexe
from facilitateurs.services import add_months

from . import selectors
from .enums import AGE_JEUNE_MAX, AGE_MINEUR, AGE_SENIOR, NiveauEducation, ReponseSensible, SituationEntree

SOURCE_REGLEMENT = "Règlement (UE) 2021/1057 (FSE+), annexe I"
SOURCE_CODES = "codes de la liste SFC2021 de la Commission"
EMPLOI = (CategorieSortie.EMPLOI_DURABLE, CategorieSortie.EMPLOI_TRANSITION)
SEXES = tuple(Sexe.values)  # F, M, X (X: non précisé / non binaire)

POP_ENTREE = "Participants entrés dans une opération pendant l'année (date d'entrée dans l'année)"
POP_SORTIE = ("Participants sortis pendant l'année (date de la sortie, la première enregistrée à partir de "
              "l'entrée, dans l'année)")
POP_6_MOIS = "Participants dont la date de sortie + 6 mois tombe dans l'année"


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str
    population: str
    source: str
    nature: str = "réalisation"  # "réalisation", "résultat immédiat", "résultat à long terme"


def _def(code, libelle, precision, point, nature="réalisation", population=POP_ENTREE):
    return Indicateur(code=code, libelle=libelle, population=f"{population} : {precision}",
                      source=f"{SOURCE_REGLEMENT}, point {point} ; {SOURCE_CODES}", nature=nature)


DEFINITIONS: list[Indicateur] = [
    _def("EECO01", "nombre total de participants",
         "somme de EECO02, EECO04 et EECO05 (situation sur le marché du travail à l'entrée renseignée), comme le "
         "prévoit l'annexe", "1.1"),
    _def("EECO02", "chômeurs, y compris les chômeurs de longue durée",
         "situation à l'entrée « chômeur » ou « chômeur de longue durée »", "1.1"),
    _def("EECO03", "chômeurs de longue durée", "situation à l'entrée « chômeur de longue durée »", "1.1"),
    _def("EECO04", "personnes inactives", "situation à l'entrée « inactif »", "1.1"),
    _def("EECO05", "personnes exerçant un emploi, y compris les indépendants",
         "situation à l'entrée « en emploi, y compris indépendant »", "1.1"),
    _def("EECO06", "nombre d'enfants de moins de 18 ans",
         "âge à l'entrée (année d'entrée − année de naissance) inférieur à 18 ans", "1.1"),
    _def("EECO07", "jeunes âgés de 18 à 29 ans",
         "âge à l'entrée (année d'entrée − année de naissance) de 18 à 29 ans", "1.1"),
    _def("EECO08", "nombre de participants âgés de 55 ans et plus",
         "âge à l'entrée (année d'entrée − année de naissance) de 55 ans ou plus", "1.1"),
    _def("EECO09", "titulaires d'un diplôme de l'enseignement secondaire inférieur ou moins (CITE 0 à 2)",
         "niveau d'éducation à l'entrée CITE 0 à 2", "1.1"),
    _def("EECO10", "titulaires d'un diplôme du deuxième cycle de l'enseignement secondaire (CITE 3) ou de "
         "l'enseignement post-secondaire non supérieur (CITE 4)", "niveau d'éducation à l'entrée CITE 3 ou 4", "1.1"),
    _def("EECO11", "titulaires d'un diplôme de l'enseignement supérieur (CITE 5 à 8)",
         "niveau d'éducation à l'entrée CITE 5 à 8", "1.1"),
    _def("EECO12", "participants handicapés", "réponse « oui » (« ne souhaite pas répondre » n'est pas compté)",
         "1.2"),
    _def("EECO13", "ressortissants de pays tiers", "réponse « oui » (« ne souhaite pas répondre » n'est pas compté)",
         "1.2"),
    _def("EECO14", "participants d'origine étrangère",
         "réponse « oui » (« ne souhaite pas répondre » n'est pas compté)", "1.2"),
    _def("EECO15", "minorités (y compris les communautés marginalisées telles que les Roms)",
         "réponse « oui » (« ne souhaite pas répondre » n'est pas compté)", "1.2"),
    _def("EECO16", "personnes sans domicile fixe ou confrontées à l'exclusion du logement",
         "réponse « oui » (« ne souhaite pas répondre » n'est pas compté)", "1.2"),
    _def("EECO17", "participants issus de zones rurales",
         "réponse « oui » (« ne souhaite pas répondre » n'est pas compté)", "1.2"),
    _def("EECR01", "participants engagés dans la recherche d'un emploi au terme de leur participation",
         "réponse « oui » à la sortie", "2", "résultat immédiat", POP_SORTIE),
    _def("EECR02", "participants suivant un enseignement ou une formation au terme de leur participation",
         "réponse « oui » à la sortie", "2", "résultat immédiat", POP_SORTIE),
    _def("EECR03", "participants obtenant une qualification au terme de leur participation",
         "réponse « oui » à la sortie", "2", "résultat immédiat", POP_SORTIE),
    _def("EECR04", "participants exerçant un emploi, y compris à titre indépendant, au terme de leur participation",
         "catégorie de la sortie « emploi durable » ou « emploi de transition »", "2", "résultat immédiat",
         POP_SORTIE),
    _def("EECR05", "participants exerçant un emploi, y compris à titre indépendant, six mois après la fin de leur "
         "participation", "situation du suivi à 6 mois « emploi durable » ou « emploi de transition »", "3",
         "résultat à long terme", POP_6_MOIS),
    _def("EECR06", "participants dont la situation sur le marché du travail s'est améliorée six mois après la fin "
         "de leur participation", "réponse « oui » au suivi à 6 mois (passage d'un emploi précaire à un emploi "
         "stable, d'un sous-emploi à un plein emploi, à un emploi plus qualifié, ou promotion)", "3",
         "résultat à long terme", POP_6_MOIS),
]
CODES = [d.code for d in DEFINITIONS]
PAR_CODE = {d.code: d for d in DEFINITIONS}


@dataclass
class Ligne:
    """One participation as the computation sees it (plain values: codes, dates, booleans)."""

    participant: object  # any hashable identifying the person (id or code)
    sexe: str
    annee_naissance: int | None
    date_entree: datetime.date
    situation_entree: str = ""
    niveau_education: str = ""
    handicap: str = ""
    pays_tiers: str = ""
    origine_etrangere: str = ""
    minorite: str = ""
    sans_abri: str = ""
    zone_rurale: str = ""
    sortie_date: datetime.date | None = None
    sortie_categorie: str = ""
    sortie_recherche_emploi: bool | None = None
    sortie_formation: bool | None = None
    sortie_qualification: bool | None = None
    categorie_6_mois: str = ""
    situation_amelioree_6_mois: bool | None = None
    ordre: object = 0  # tie-break between two entries of the same person on the same day (the participation's id)

    @property
    def age_entree(self) -> int | None:
        return age_entree(self.date_entree, self.annee_naissance)


def age_entree(date_entree: datetime.date, annee_naissance: int | None) -> int | None:
    """Age at entry: entry year − birth year (the product stores the birth year only); None when unknown."""
    return None if not annee_naissance else date_entree.year - annee_naissance


def ligne_de(participation) -> Ligne:
    """A row of fse.selectors.participations() (annotated with the exit) as a Ligne."""
    p = participation
    return Ligne(participant=p.participant_id, sexe=p.participant.sexe, annee_naissance=p.participant.annee_naissance,
                 date_entree=p.date_entree, situation_entree=p.situation_entree, niveau_education=p.niveau_education,
                 handicap=p.handicap, pays_tiers=p.pays_tiers, origine_etrangere=p.origine_etrangere,
                 minorite=p.minorite, sans_abri=p.sans_abri, zone_rurale=p.zone_rurale,
                 sortie_date=p.sortie_date, sortie_categorie=p.sortie_categorie or "",
                 sortie_recherche_emploi=p.sortie_recherche_emploi, sortie_formation=p.sortie_formation,
                 sortie_qualification=p.sortie_qualification, categorie_6_mois=p.categorie_6_mois or "",
                 situation_amelioree_6_mois=p.situation_amelioree_6_mois, ordre=p.pk)


def _age_entre(ligne, bas=None, haut=None):
    age = ligne.age_entree
    return age is not None and (bas is None or age >= bas) and (haut is None or age <= haut)


TESTS = {  # code -> predicate on a Ligne (EECO01 is computed from EECO02, EECO04, EECO05)
    "EECO02": lambda x: x.situation_entree in (SituationEntree.CHOMEUR, SituationEntree.CHOMEUR_LONGUE_DUREE),
    "EECO03": lambda x: x.situation_entree == SituationEntree.CHOMEUR_LONGUE_DUREE,
    "EECO04": lambda x: x.situation_entree == SituationEntree.INACTIF,
    "EECO05": lambda x: x.situation_entree == SituationEntree.EMPLOYE,
    "EECO06": lambda x: _age_entre(x, haut=AGE_MINEUR - 1),
    "EECO07": lambda x: _age_entre(x, AGE_MINEUR, AGE_JEUNE_MAX),
    "EECO08": lambda x: _age_entre(x, bas=AGE_SENIOR),
    "EECO09": lambda x: x.niveau_education == NiveauEducation.CITE_0_2,
    "EECO10": lambda x: x.niveau_education == NiveauEducation.CITE_3_4,
    "EECO11": lambda x: x.niveau_education == NiveauEducation.CITE_5_8,
    "EECO12": lambda x: x.handicap == ReponseSensible.OUI,
    "EECO13": lambda x: x.pays_tiers == ReponseSensible.OUI,
    "EECO14": lambda x: x.origine_etrangere == ReponseSensible.OUI,
    "EECO15": lambda x: x.minorite == ReponseSensible.OUI,
    "EECO16": lambda x: x.sans_abri == ReponseSensible.OUI,
    "EECO17": lambda x: x.zone_rurale == ReponseSensible.OUI,
    "EECR01": lambda x: x.sortie_recherche_emploi is True,
    "EECR02": lambda x: x.sortie_formation is True,
    "EECR03": lambda x: x.sortie_qualification is True,
    "EECR04": lambda x: x.sortie_categorie in EMPLOI,
    "EECR05": lambda x: x.categorie_6_mois in EMPLOI,
    "EECR06": lambda x: x.situation_amelioree_6_mois is True,
}
EMPLOI_ENTREE = ("EECO02", "EECO04", "EECO05")


def _population(ligne: Ligne, code: str, annee: int) -> bool:
    """Is the line in a result indicator's population of the year (exit, or exit + 6 months, in the year)?"""
    if ligne.sortie_date is None:
        return False
    if code in ("EECR05", "EECR06"):
        return add_months(ligne.sortie_date, 6).year == annee
    return ligne.sortie_date.year == annee


@dataclass
class Resultat:
    participants: int
    indicateurs: dict[str, int]
    par_sexe: dict[str, dict[str, int]]


def calculer(lignes, annee: int) -> Resultat:
    """The indicators of `annee` over `lignes` (Ligne or anything with the same attributes)."""
    lignes = list(lignes)
    # Outputs: each person once, with the data of their first entry in the year.
    premieres: dict = {}
    for ligne in sorted((x for x in lignes if x.date_entree.year == annee), key=lambda x: (x.date_entree, x.ordre)):
        premieres.setdefault(ligne.participant, ligne)
    comptes: dict[str, set] = {code: set() for code in CODES}
    sexe_de: dict = {}
    for ligne in premieres.values():
        sexe_de[ligne.participant] = ligne.sexe
        for code in CODES:
            if code.startswith("EECO") and code in TESTS and TESTS[code](ligne):
                comptes[code].add(ligne.participant)
    # Results: a person counts once per indicator when one of their participations qualifies.
    for ligne in lignes:
        for code in CODES:
            if code.startswith("EECR") and _population(ligne, code, annee) and TESTS[code](ligne):
                comptes[code].add(ligne.participant)
                sexe_de.setdefault(ligne.participant, ligne.sexe)
    comptes["EECO01"] = set().union(*(comptes[c] for c in EMPLOI_ENTREE))
    indicateurs = {code: len(comptes[code]) for code in CODES}
    par_sexe = {code: {s: 0 for s in SEXES} for code in CODES}
    for code in CODES:
        for personne in comptes[code]:
            sexe = sexe_de.get(personne) if sexe_de.get(personne) in SEXES else Sexe.X
            par_sexe[code][sexe] += 1
    return Resultat(participants=len(premieres), indicateurs=indicateurs, par_sexe=par_sexe)


@dataclass
class Rapport:
    annee: int
    operation: object  # OperationFSE or None (every operation)
    participants: int
    indicateurs: dict[str, int]
    par_sexe: dict[str, dict[str, int]]
    donnees_incompletes: int
    definitions: list[Indicateur] = field(default_factory=lambda: list(DEFINITIONS))
    partenaire: object = None

    def cellules_connues(self) -> dict[tuple[str, str | None], int]:
        """Every count of the table: (code, None) for a figure, (code, sexe) for its breakdown."""
        cellules = {(c, None): v for c, v in self.indicateurs.items() if isinstance(v, int)}
        cellules.update({(c, s): v for c, d in self.par_sexe.items() for s, v in d.items() if isinstance(v, int)})
        return cellules


def rapport(*, annee: int, operation=None, partenaire=None, aujourd_hui: datetime.date | None = None) -> Rapport:
    """The report of `annee` over one operation (or all), optionally a partner's conventions only."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    participations = list(selectors.participations(annee=annee, operation=operation, partenaire=partenaire))
    resultat = calculer((ligne_de(p) for p in participations), annee)
    incompletes = sum(1 for p in participations if selectors.incomplet(p, aujourd_hui))
    return Rapport(annee=annee, operation=operation, participants=resultat.participants,
                   indicateurs=resultat.indicateurs, par_sexe=resultat.par_sexe, donnees_incompletes=incompletes,
                   partenaire=partenaire)


def _masque(valeur, seuil):
    return None if isinstance(valeur, int) and 0 < valeur < seuil else valeur


# Totals shown with the cells that add up to them: employment status at entry (the Annex's own sum, EECO01) and
# every figure's breakdown by sex. A cell hidden alone would come back by subtraction.
STATUTS = ("EECO02", "EECO04", "EECO05")


def _partitions(rapport_: Rapport, valeurs: dict) -> list[tuple[tuple, tuple]]:
    partitions = [(("EECO01", None), tuple((c, None) for c in STATUTS))]
    partitions += [(("EECO01", s), tuple((c, s) for c in STATUTS)) for s in SEXES]
    partitions += [((c, None), tuple((c, s) for s in d)) for c, d in rapport_.par_sexe.items()]
    return [(total, cellules) for total, cellules in partitions
            if all(cle in valeurs for cle in (total, *cellules))]


def masquer(rapport_: Rapport, seuil: int = 3) -> Rapport:
    """The report as shown outside the facilitators. Counts of 1 to seuil − 1 people become None (shown "s", secret) and,
    so that none comes back by subtraction from a total shown beside it (secondary suppression), in every total
    and its parts (see _partitions): the hidden parts add up to seuil or more — else the smallest part still shown
    is hidden too — and a hidden total hides at least one part. Repeated until nothing changes (a cell hidden for
    one total may open another)."""
    valeurs = rapport_.cellules_connues()
    caches = {cle for cle, v in valeurs.items() if _masque(v, seuil) is None}
    partitions = _partitions(rapport_, valeurs)
    change = True
    while change:
        change = False
        for total, cellules in partitions:
            parts = [c for c in cellules if c in caches]
            besoin = not parts if total in caches else bool(parts) and sum(valeurs[c] for c in parts) < seuil
            visibles = [c for c in cellules if c not in caches and valeurs[c]]
            if besoin and visibles:
                caches.add(min(visibles, key=lambda c: valeurs[c]))  # the first of the smallest
                change = True

    def vue(cle):
        return None if cle in caches else valeurs[cle]

    return replace(
        rapport_,
        participants=_masque(rapport_.participants, seuil),
        indicateurs={c: vue((c, None)) for c in rapport_.indicateurs},
        par_sexe={c: {s: vue((c, s)) for s in d} for c, d in rapport_.par_sexe.items()},
        donnees_incompletes=_masque(rapport_.donnees_incompletes, seuil),
    )


def rapport_json(rapport_: Rapport) -> dict:
    """The report as JSON-ready data (the command's output)."""
    return {
        "annee": rapport_.annee,
        "operation": rapport_.operation.reference if rapport_.operation is not None else None,
        "participants": rapport_.participants,
        "indicateurs": dict(rapport_.indicateurs),
        "par_sexe": {c: dict(d) for c, d in rapport_.par_sexe.items()},
        "donnees_incompletes": rapport_.donnees_incompletes,
        "definitions": {d.code: d.libelle for d in rapport_.definitions},
    }
