"""The clause advisor: which clauses a contract should carry, and why.

`regles(situation)` is a pure function of the facts; `marches.conseil.situation_pour(marche)` gathers them from
the database (family, amount, EU threshold, obligations in force, the buyer's own history in that family, the
model clauses that fit) and `marches.conseil.recommandations(marche)` chains both. Every recommendation carries
its reasons with figures."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from core.templatetags.formats import (
    compte,
    format_date,
    format_euros,
    format_heures,
    format_nombre,
    format_pourcent,
)

from .enums import TypeClause
from .services import heures_requises_calculer

DATE_LOI_2026 = datetime.date(2026, 8, 21)
SEUIL_CLAUSE = Decimal("90000")  # contracts the PNAD statistics follow; usual floor for an insertion clause
SEUIL_DECP = Decimal("40000")
HEURES_PAR_PARCOURS = 400  # about 400 hours per participant (national figures)
HEURES_MIN = 200  # under half a typical path, a clause is possible but not a priority
ECHANTILLON_MIN = 3  # contracts on each side (with / without clause) before comparing their offers


class Niveau:
    OBLIGATOIRE = "obligatoire"
    RECOMMANDEE = "recommandee"
    A_ENVISAGER = "a_envisager"
    NON_PRIORITAIRE = "non_prioritaire"

    LABELS = {
        OBLIGATOIRE: "Obligatoire",
        RECOMMANDEE: "Recommandée",
        A_ENVISAGER: "À envisager",
        NON_PRIORITAIRE: "Non prioritaire",
    }
    COULEURS = {OBLIGATOIRE: "danger", RECOMMANDEE: "success", A_ENVISAGER: "info", NON_PRIORITAIRE: "secondary"}
    ORDRE = {OBLIGATOIRE: 0, RECOMMANDEE: 1, A_ENVISAGER: 2, NON_PRIORITAIRE: 3}


@dataclass
class Recommandation:
    type: str
    titre: str
    niveau: str
    raisons: list[str]
    clauses_suggerees: list = field(default_factory=list)
    deja_prevue: bool = False

    @property
    def niveau_label(self):
        return Niveau.LABELS[self.niveau]

    @property
    def couleur(self):
        return Niveau.COULEURS[self.niveau]

    def as_dict(self):
        return {
            "type": self.type, "titre": self.titre, "niveau": self.niveau, "niveau_label": self.niveau_label,
            "raisons": self.raisons, "deja_prevue": self.deja_prevue,
            "clauses_suggerees": [{"id": c.pk, "titre": c.titre} for c in self.clauses_suggerees],
        }


@dataclass
class Historique:
    """The buyer's past contracts of the same family (this one excluded)."""

    nb_marches: int = 0
    nb_avec_clause: int = 0
    offres_avec: Decimal | None = None  # average offers received by contracts with a social clause
    nb_avec_offres: int = 0
    offres_sans: Decimal | None = None
    nb_sans_offres: int = 0


@dataclass
class Situation:
    famille_nom: str = ""
    part_main_oeuvre: Decimal | None = None
    taux_insertion: Decimal | None = None
    cout_horaire: Decimal | None = None
    reservation_conseillee: str = ""
    montant: Decimal | None = None
    montant_libelle: str = "Montant"  # "Valeur estimée" when the estimate is used
    date_lancement: datetime.date | None = None
    defense: bool = False
    travaux: bool = False
    seuil: Decimal | None = None
    seuil_libelle: str = ""
    historique: Historique = field(default_factory=Historique)
    types_presents: set = field(default_factory=set)
    modeles: dict = field(default_factory=dict)  # type_clause -> [ClauseModele]


def _pct(value):
    return format_pourcent(value, 0 if value is not None and (Decimal(value) * 100) % 1 == 0 else 1)


def _raisons_historique(s: Situation) -> list[str]:
    h = s.historique
    if not s.famille_nom:
        return ["Sans famille d'achat, l'historique de l'acheteur ne peut pas être comparé."]
    if h.nb_marches == 0:
        return [f"Aucun marché antérieur de l'acheteur dans la famille « {s.famille_nom} » pour comparer."]
    raisons = [
        f"Historique de l'acheteur dans la famille « {s.famille_nom} » : {compte(h.nb_avec_clause, 'marché')} sur "
        f"{h.nb_marches} ({_pct(Decimal(h.nb_avec_clause) / h.nb_marches)}) portaient une clause sociale."
    ]
    if h.offres_avec is not None and h.offres_sans is not None:
        raisons.append(
            f"Offres reçues en moyenne : {format_nombre(h.offres_avec, 1)} avec clause ("
            f"{compte(h.nb_avec_offres, 'marché')}) contre {format_nombre(h.offres_sans, 1)} sans clause "
            f"({compte(h.nb_sans_offres, 'marché')})."
        )
        if min(h.nb_avec_offres, h.nb_sans_offres) < ECHANTILLON_MIN:
            raisons.append(f"Trop peu de marchés pour conclure (au moins {ECHANTILLON_MIN} de chaque côté) : "
                           f"l'écart observé peut être dû au hasard.")
        elif h.offres_avec >= h.offres_sans - max(Decimal("0.5"), h.offres_sans * Decimal("0.15")):
            raisons.append("La clause n'a pas réduit la concurrence dans cette famille : le risque de marché "
                           "infructueux n'est pas confirmé par vos marchés passés.")
        else:
            raisons.append("Moins d'offres avec clause : prévoir un sourcing, une présentation aux entreprises "
                           "(Matinale) et l'accompagnement du facilitateur pendant la consultation.")
    elif h.offres_avec is not None:
        raisons.append(f"Offres reçues en moyenne avec clause : {format_nombre(h.offres_avec, 1)} "
                       f"({compte(h.nb_avec_offres, 'marché')}) ; aucun marché sans clause à comparer.")
    elif h.offres_sans is not None:
        raisons.append(f"Offres reçues en moyenne sans clause : {format_nombre(h.offres_sans, 1)} "
                       f"({compte(h.nb_sans_offres, 'marché')}) ; aucun marché avec clause à comparer.")
    return raisons


def _soumis_2026(s: Situation):
    """True / False / None (launch date unknown)."""
    if s.defense:
        return False
    if s.date_lancement is None:
        return None
    return s.date_lancement >= DATE_LOI_2026


def _environnement(s: Situation, type_clause, titre, article, objet) -> Recommandation:
    soumis = _soumis_2026(s)
    if soumis:
        niveau = Niveau.OBLIGATOIRE
        raisons = [f"Consultation lancée le {format_date(s.date_lancement)}, à partir du 21/08/2026 : "
                   f"{article} impose {objet}."]
    else:
        niveau = Niveau.RECOMMANDEE
        raisons = ["Plan national PNAD : 100 % des marchés notifiés avec au moins une considération "
                   "environnementale (29,2 % observés en 2022 pour les marchés de 90 000 € et plus)."]
        if s.defense:
            raisons.append("Marché de défense ou de sécurité : exclu de l'obligation de 2026.")
        elif soumis is None:
            raisons.append(f"Date de lancement inconnue : si la consultation est lancée à partir du 21/08/2026, "
                           f"{article} impose {objet}.")
        else:
            raisons.append(f"Consultation lancée le {format_date(s.date_lancement)}, avant le 21/08/2026 : pas "
                           f"encore obligatoire, mais l'obligation s'appliquera aux prochaines consultations.")
    return Recommandation(type_clause, titre, niveau, raisons, s.modeles.get(type_clause, []))


def _insertion(s: Situation) -> Recommandation:
    titre = "Condition d'exécution d'insertion (clause sociale)"
    raisons = []
    montant, part = s.montant, s.part_main_oeuvre
    soumis = _soumis_2026(s)
    au_dessus_seuil = montant is not None and s.seuil is not None and montant >= s.seuil
    if montant is None:
        raisons.append("Montant inconnu : les heures ne peuvent pas être estimées.")
    if part is not None:
        raisons.append(f"Part de main-d'œuvre de la famille « {s.famille_nom} » : {_pct(part)}.")
    elif s.famille_nom == "":
        raisons.append("Famille d'achat inconnue : part de main-d'œuvre non renseignée.")
    heures = None
    if montant and part and s.taux_insertion and s.cout_horaire:
        heures = heures_requises_calculer(montant_ht=montant, part_main_oeuvre=part,
                                        taux_insertion=s.taux_insertion, cout_horaire=s.cout_horaire)
        parcours = max(1, round(heures / HEURES_PAR_PARCOURS)) if heures else 0
        raisons.append(
            f"Heures estimées : {format_euros(montant, 0)} × {_pct(part)} × {_pct(s.taux_insertion)} ÷ "
            f"{format_euros(s.cout_horaire)}/h ≈ {format_heures(heures)}"
            + (f", soit environ {parcours} parcours d'insertion (≈ {HEURES_PAR_PARCOURS} h par personne)."
               if heures else ".")
        )
    if au_dessus_seuil and soumis:
        niveau = Niveau.OBLIGATOIRE
        raisons.insert(0, f"Valeur estimée {format_euros(montant, 0)} ≥ seuil européen {s.seuil_libelle} "
                          f"({format_euros(s.seuil, 0)}) et consultation lancée à partir du 21/08/2026 : une "
                          f"condition d'exécution sociale ou d'emploi est obligatoire (L2112-2-1), sauf "
                          f"dérogation justifiée.")
    elif au_dessus_seuil and soumis is None:
        niveau = Niveau.RECOMMANDEE
        raisons.insert(0, f"Valeur estimée {format_euros(montant, 0)} ≥ seuil européen {s.seuil_libelle} "
                          f"({format_euros(s.seuil, 0)}) : obligatoire si la consultation est lancée à partir du "
                          f"21/08/2026 (L2112-2-1).")
    elif montant is not None and montant >= SEUIL_CLAUSE and part is not None and part >= Decimal("0.3") \
            and (heures is None or heures >= HEURES_MIN):
        niveau = Niveau.RECOMMANDEE
        raisons.insert(0, f"{s.montant_libelle} {format_euros(montant, 0)} ≥ {format_euros(SEUIL_CLAUSE, 0)} et "
                          f"main-d'œuvre importante : marché propice à une clause d'insertion.")
    elif montant is not None and montant >= SEUIL_CLAUSE and part is not None and part >= Decimal("0.3"):
        niveau = Niveau.A_ENVISAGER
        raisons.insert(0, f"{s.montant_libelle} {format_euros(montant, 0)} ≥ {format_euros(SEUIL_CLAUSE, 0)}, mais "
                          f"moins de {HEURES_MIN} heures estimées : clause possible (taux d'insertion relevé, "
                          f"variante forfaitaire ou globalisation avec d'autres opérations).")
    elif montant is not None and montant >= SEUIL_DECP and part is not None and part >= Decimal("0.2"):
        niveau = Niveau.A_ENVISAGER
        raisons.insert(0, f"{s.montant_libelle} {format_euros(montant, 0)} : clause possible si le volume d'heures permet un "
                          f"parcours utile (au moins quelques centaines d'heures).")
    else:
        niveau = Niveau.NON_PRIORITAIRE
        if part is not None and part < Decimal("0.2"):
            raisons.insert(0, "Main-d'œuvre faible dans cette famille : la clause d'insertion y produit peu "
                              "d'heures ; préférer une réservation ou un critère social si des structures "
                              "existent.")
        elif montant is not None and montant < SEUIL_DECP:
            raisons.insert(0, f"{s.montant_libelle} {format_euros(montant, 0)} inférieur à {format_euros(SEUIL_DECP, 0)} : "
                              f"volume d'heures trop faible pour un parcours.")
    if s.seuil is not None and not au_dessus_seuil and montant is not None:
        raisons.append(f"Seuil européen {s.seuil_libelle} : {format_euros(s.seuil, 0)} (non atteint, pas "
                       f"d'obligation L2112-2-1).")
    raisons.extend(_raisons_historique(s))
    return Recommandation(TypeClause.INSERTION, titre, niveau, raisons, s.modeles.get(TypeClause.INSERTION, []))


def _reservation(s: Situation) -> Recommandation | None:
    types = {"EA_ESAT": TypeClause.RESERVE_EA_ESAT, "SIAE": TypeClause.RESERVE_SIAE, "ESS": TypeClause.RESERVE_ESS}
    type_clause = types.get(s.reservation_conseillee)
    if type_clause is None:
        return None
    libelles = {
        "EA_ESAT": "entreprises adaptées et ESAT (L2113-12)",
        "SIAE": "structures d'insertion par l'activité économique (L2113-13)",
        "ESS": "entreprises de l'ESS (L2113-15, certains services, 3 ans au plus)",
    }
    raisons = [f"Des {libelles[s.reservation_conseillee]} interviennent dans la famille « {s.famille_nom} » : "
               f"le marché ou un de ses lots peut leur être réservé (au moins 50 % de travailleurs concernés, "
               f"R2113-7)."]
    niveau = Niveau.A_ENVISAGER
    if s.montant is not None and s.seuil is not None and s.montant < s.seuil:
        niveau = Niveau.RECOMMANDEE
        raisons.append(f"{s.montant_libelle} {format_euros(s.montant, 0)} sous le seuil européen : un lot réservé reste à la "
                       f"portée des structures du territoire.")
    raisons.append("Vérifier au sourcing qu'au moins deux structures peuvent répondre.")
    return Recommandation(type_clause, f"Marché ou lot réservé — {libelles[s.reservation_conseillee]}", niveau,
                          raisons, s.modeles.get(type_clause, []))


def _critere_social(s: Situation) -> Recommandation | None:
    if s.part_main_oeuvre is None or s.montant is None:
        return None
    if s.part_main_oeuvre >= Decimal("0.5") and s.montant >= SEUIL_CLAUSE and not s.travaux:
        return Recommandation(
            TypeClause.CRITERE_SOCIAL, "Critère d'attribution social", Niveau.A_ENVISAGER,
            [f"Service à forte main-d'œuvre ({_pct(s.part_main_oeuvre)}) : un critère social (5 à 15 %) valorise "
             f"la qualité du parcours d'insertion proposé, en complément de la clause.",
             "Plan national PNAD : 30 % des marchés avec au moins une considération sociale (22,3 % observés en "
             "2022)."],
            s.modeles.get(TypeClause.CRITERE_SOCIAL, []),
        )
    return None


def regles(s: Situation) -> list[Recommandation]:
    """Pure: the recommendations for a situation, most binding first."""
    result = [
        _insertion(s),
        _environnement(s, TypeClause.CONDITION_ENVIRONNEMENTALE, "Condition d'exécution environnementale",
                       "l'article L2112-2", "une condition d'exécution prenant en compte l'environnement"),
        _environnement(s, TypeClause.CRITERE_ENVIRONNEMENTAL, "Critère d'attribution environnemental",
                       "l'article L2152-7", "au moins un critère d'attribution environnemental (le prix seul "
                                            "n'est plus admis)"),
    ]
    for extra in (_reservation(s), _critere_social(s)):
        if extra is not None:
            result.append(extra)
    for reco in result:
        reco.deja_prevue = reco.type in s.types_presents
    return sorted(result, key=lambda r: Niveau.ORDRE[r.niveau])
