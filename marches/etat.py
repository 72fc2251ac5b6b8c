"""What a contract implies, computed in one place.

A contract's *derived state* is everything the application computes from the contract's own fields and its
clauses, never typed by anyone:

- its clauses' insertion hours and rendered texts (the formula and the placeholders: `clauses.services`);
- its effective social and environmental considerations: what the buyer, the register or a DECP file
  *declared* (`*_declare*` fields) OR what its clauses imply (an insertion clause is a "clause sociale"...);
- its compliance with the obligations of 21 August 2026 (`marches.compliance.conformite_evaluer`);
- its search text (`marches.search.texte_recherche`);
- warnings that are not stored (lots summing above the contract's amount).

`marches_etat_deriver` computes it for many contracts (bulk imports, a threshold change) and
`marche_etat_deriver` for one; both run the same code. Every write path of `marches.services` calls one of
them exactly once per write: the contract form, lots, amendments, attributions, a change of buyer, the
register and DECP imports (their bulk path included), clause changes and threshold changes. `Model.save()`
computes nothing.

This is a service module: the derivation writes the clauses whose hours or text changed (with their history
row); the contract itself is saved by its caller, once (`marche_etat_actualiser` for writes beside the
contract: lots, attributions, clauses).

Dependency direction between the two apps: **marches depends on clauses**. The clauses app's business
modules (models, services, selectors, enums, textes, register) never import marches; the contract-level
clause writes (a clause added to a contract changes the contract) live in `marches.services`.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum

from clauses.enums import TypeClause
from clauses.models import ClauseMarche, FamilleAchat
from clauses.services import RESERVATIONS, clause_calculer
from core.models import Organisation
from core.services import auteur_noter
from core.templatetags.formats import format_euros
from core.utils import chunks as _chunks

from .compliance import conformite_evaluer
from .enums import StatutConformite
from .models import Attribution, Lot, Marche, SeuilEuropeen
from .search import texte_recherche

# Effective consideration -> the field holding what was declared for it.
DECLAREES = {
    "clause_sociale": "clause_sociale_declaree",
    "critere_social": "critere_social_declare",
    "marche_reserve": "marche_reserve_declare",
    "type_reservation": "type_reservation_declare",
    "clause_environnementale": "clause_environnementale_declaree",
    "critere_environnemental": "critere_environnemental_declare",
}
CONSIDERATIONS = tuple(DECLAREES)
DRAPEAUX = tuple(name for name in CONSIDERATIONS if name != "type_reservation")
CHAMPS_DERIVES = (*CONSIDERATIONS, "statut_conformite", "manquements", "recherche")

# The consideration each kind of clause carries (reservations: see RESERVATIONS).
_CLAUSE_CONSIDERATION = {
    TypeClause.INSERTION: "clause_sociale",
    TypeClause.CRITERE_SOCIAL: "critere_social",
    TypeClause.CONDITION_ENVIRONNEMENTALE: "clause_environnementale",
    TypeClause.CRITERE_ENVIRONNEMENTAL: "critere_environnemental",
}


# --- Pure rules ------------------------------------------------------------------------------------------

def considerations_des_clauses(types) -> dict:
    """The considerations implied by a set of clause kinds."""
    types = set(types)
    result = {name: kind in types for kind, name in _CLAUSE_CONSIDERATION.items()}
    reserves = [value for kind, value in RESERVATIONS.items() if kind in types]
    result["marche_reserve"] = bool(reserves)
    result["type_reservation"] = reserves[0] if reserves else ""
    return result


def considerations_effectives(marche, types) -> dict:
    """Declared OR implied by the clauses. The reservation type is the declared one, else the clauses'."""
    deduites = considerations_des_clauses(types)
    result = {name: bool(getattr(marche, DECLAREES[name])) or deduites[name] for name in DRAPEAUX}
    declare = marche.type_reservation_declare if marche.marche_reserve_declare else ""
    result["type_reservation"] = (declare or deduites["type_reservation"]) if result["marche_reserve"] else ""
    return result


def considerations_deduites_seules(marche, types) -> set[str]:
    """The considerations the contract has only because of its clauses (the form says « Déduites des clauses »)."""
    deduites = considerations_des_clauses(types)
    return {name for name in DRAPEAUX if deduites[name] and not getattr(marche, DECLAREES[name])}


def declarees_depuis_fichier(marche, valeurs: dict) -> None:
    """A file (DECP, register) gives the considerations as published, i.e. the effective ones. What it says
    becomes declared only where it differs from the contract's current effective value: re-importing our own
    export changes nothing, and a consideration that the clauses imply is not copied into the declared ones."""
    for name, value in valeurs.items():
        if name in DRAPEAUX and bool(value) != bool(getattr(marche, name, False)):
            setattr(marche, DECLAREES[name], bool(value))
        elif name == "type_reservation" and value and value != getattr(marche, name, ""):
            marche.type_reservation_declare = value


def _article_d_abord(manquement: str) -> str:
    match = re.search(r"\s*\((L[\d-]+)\)\s*$", manquement)
    if not match:
        return manquement
    texte = manquement[:match.start()]
    return f"{match.group(1)} : {texte[:1].lower()}{texte[1:]}"


@dataclass(frozen=True)
class ChangementConformite:
    """A contract's compliance status before and after a write, with what is newly missing."""

    avant: str
    apres: str
    manquants: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        texte = f"Conformité : {StatutConformite(self.avant).label} → {StatutConformite(self.apres).label}"
        if self.manquants:
            texte += " (" + " ; ".join(_article_d_abord(m) for m in self.manquants) + ")"
        return texte


@dataclass
class EtatDerive:
    """What one derivation changed on a contract (nothing is stored here)."""

    champs_modifies: tuple[str, ...] = ()
    clauses_modifiees: list = field(default_factory=list)
    conformite: ChangementConformite | None = None
    alertes: list[str] = field(default_factory=list)


def etat_calculer(marche, *, types_clauses, entreprises, seuils) -> dict:
    """The contract's derived columns from its own fields, its clause kinds and its companies ((nom, siret)
    pairs). Pure: works on unsaved contracts and on the DECP importer's row namespaces."""
    champs = considerations_effectives(marche, types_clauses)
    vue = _Vue(marche, champs)
    champs["statut_conformite"], champs["manquements"] = conformite_evaluer(vue, seuils)
    champs["recherche"] = texte_recherche(objet=marche.objet, identifiant=marche.identifiant,
                                          entreprises=sorted(set(entreprises)))
    return champs


class _Vue:
    """The contract as compliance sees it once its effective considerations are applied."""

    def __init__(self, marche, champs):
        self._marche, self._champs = marche, champs

    def __getattr__(self, name):
        if name in self._champs:
            return self._champs[name]
        return getattr(self._marche, name)


def alerte_lots(montant_marche, somme_lots) -> str | None:
    if montant_marche is None or somme_lots is None or somme_lots <= montant_marche:
        return None
    return (f"Les lots totalisent {format_euros(somme_lots)} HT, plus que le montant du marché "
            f"({format_euros(montant_marche)} HT) : vérifiez les montants des lots et du marché.")


# --- Derivation (reads what it needs, writes the clauses that changed) -----------------------------------

def seuils_charger() -> list[dict]:
    return list(SeuilEuropeen.objects.values("type_seuil", "date_debut", "date_fin", "montant_ht"))


def _relations_charger(marches) -> None:
    """Family and buyer of contracts with clauses (used by the hours and the texts), one query each."""
    familles = {m.famille_id for m in marches if m.famille_id and not Marche.famille.is_cached(m)}
    acheteurs = {m.acheteur_id for m in marches if m.acheteur_id and not Marche.acheteur.is_cached(m)}
    familles = FamilleAchat.objects.in_bulk(familles) if familles else {}
    acheteurs = Organisation.objects.in_bulk(acheteurs) if acheteurs else {}
    for m in marches:
        if m.famille_id in familles:
            m.famille = familles[m.famille_id]
        if m.acheteur_id in acheteurs:
            m.acheteur = acheteurs[m.acheteur_id]


def marches_etat_deriver(*, marches, seuils=None, entreprises=None, clauses=None, user=None,
                         reason: str = "Montant du marché modifié") -> list[EtatDerive]:
    """Derive the state of many contracts, in memory, from their current fields (saved or not).

    - `entreprises`: optional list parallel to `marches` of (nom, siret) pairs (else read from the database);
    - `clauses`: optional list parallel to `marches` of clause lists (unsaved ones allowed: their hours are set,
      the caller saves them); else the contract's stored clauses, whose changed hours/texts are saved here.
    Sets the derived columns on each contract and returns, per contract, what changed. The contracts are not
    saved: the caller saves them once (one history row per write)."""
    marches = list(marches)
    if seuils is None:
        seuils = seuils_charger()
    pks = [m.pk for m in marches if getattr(m, "pk", None)]
    stockees, entreprises_stockees, lots = {}, {}, {}
    if clauses is None and pks:
        for chunk in _chunks(pks):
            for clause in ClauseMarche.objects.filter(marche_id__in=chunk).select_related("lot", "version") \
                    .order_by("id"):
                stockees.setdefault(clause.marche_id, []).append(clause)
    if entreprises is None and pks:
        for chunk in _chunks(pks):
            for marche_id, nom, siret in Attribution.objects.filter(marche_id__in=chunk).values_list(
                    "marche_id", "entreprise__nom", "entreprise__siret").distinct():
                entreprises_stockees.setdefault(marche_id, []).append((nom or "", siret or ""))
    if pks:
        for chunk in _chunks(pks):
            lots.update(Lot.objects.filter(marche_id__in=chunk, montant_ht__isnull=False).values("marche_id")
                        .annotate(total=Sum("montant_ht")).values_list("marche_id", "total"))
    liste_clauses = clauses if clauses is not None else [stockees.get(getattr(m, "pk", None), []) for m in marches]
    _relations_charger([m for m, cl in zip(marches, liste_clauses, strict=True) if cl])

    resultats = []
    for index, marche in enumerate(marches):
        pk = getattr(marche, "pk", None)
        etat = EtatDerive()
        for clause in liste_clauses[index]:
            clause.marche = marche
            avant = (clause.heures_requises, clause.texte)
            if clause_calculer(clause) != avant and clause.pk:
                auteur_noter(clause, user=user, reason=reason)
                clause.save(update_fields=["heures_requises", "texte"])
                etat.clauses_modifiees.append(clause)
        societes = entreprises[index] if entreprises is not None else entreprises_stockees.get(pk, [])
        champs = etat_calculer(marche, types_clauses={c.type_clause for c in liste_clauses[index]},
                               entreprises=societes, seuils=seuils)
        avant = (marche.statut_conformite, list(marche.manquements or []))
        etat.champs_modifies = tuple(name for name in CHAMPS_DERIVES if getattr(marche, name) != champs[name])
        for name, value in champs.items():
            setattr(marche, name, value)
        if pk and avant[0] != marche.statut_conformite:
            etat.conformite = ChangementConformite(
                avant=avant[0], apres=marche.statut_conformite,
                manquants=tuple(m for m in marche.manquements if m not in avant[1]))
        alerte = alerte_lots(marche.montant_ht, lots.get(pk))
        if alerte:
            etat.alertes.append(alerte)
        resultats.append(etat)
    return resultats


def marche_etat_deriver(*, marche, seuils=None, entreprises=None, clauses=None, user=None,
                        reason: str = "Montant du marché modifié") -> EtatDerive:
    """One contract: see marches_etat_deriver. `entreprises` and `clauses` are lists for this contract."""
    return marches_etat_deriver(
        marches=[marche], seuils=seuils, user=user, reason=reason,
        entreprises=None if entreprises is None else [entreprises],
        clauses=None if clauses is None else [clauses],
    )[0]


@transaction.atomic
def marche_etat_actualiser(*, marche: Marche, user=None, reason: str = "") -> EtatDerive:
    """After a write beside the contract (a lot, an attribution, a clause): derive its state and save the
    contract when the derived state changed (one history row, with who and why)."""
    etat = marche_etat_deriver(marche=marche, user=user, reason=reason or "Montant du marché modifié")
    if etat.champs_modifies:
        auteur_noter(marche, user=user, reason=reason)
        marche.save(update_fields=[*etat.champs_modifies, "updated_at"])
    return etat


@transaction.atomic
def marches_etat_recalculer(*, queryset=None, batch_size: int = 2000) -> int:
    """Derive again the state of many contracts (a threshold or a company's name changed): derived data,
    written in bulk without a history row per contract. Returns how many contracts changed."""
    seuils = seuils_charger()
    queryset = queryset if queryset is not None else Marche.objects.all()
    changed = 0
    for chunk in _chunks(queryset.values_list("pk", flat=True), batch_size):
        marches = list(Marche.objects.filter(pk__in=chunk).order_by("pk"))
        etats = marches_etat_deriver(marches=marches, seuils=seuils, reason="Recalcul")
        modifies = [m for m, e in zip(marches, etats, strict=True) if e.champs_modifies]
        if modifies:
            Marche.objects.bulk_update(modifies, list(CHAMPS_DERIVES), batch_size=500)
        changed += len(modifies)
    return changed


def marche_etat_verifier(marche: Marche) -> dict:
    """{what: (stored, fresh)} for every derived value of a stored contract (clause hours and texts included)
    that differs from a computation from scratch; empty when the contract is consistent. Writes nothing."""
    stocke = Marche.objects.get(pk=marche.pk)
    frais = Marche.objects.get(pk=marche.pk)
    clauses = list(ClauseMarche.objects.filter(marche_id=marche.pk).select_related("lot", "version").order_by("id"))
    stockees = [(c.pk, c.heures_requises, c.texte) for c in clauses]
    for clause in clauses:
        clause.pk = None  # in-memory copies: the derivation computes them and saves nothing
    marche_etat_deriver(marche=frais, clauses=clauses)
    ecarts = {name: (getattr(stocke, name), getattr(frais, name)) for name in CHAMPS_DERIVES
              if getattr(stocke, name) != getattr(frais, name)}
    for (pk, heures, texte), clause in zip(stockees, clauses, strict=True):
        if (heures, texte) != (clause.heures_requises, clause.texte):
            ecarts[f"clause {pk}"] = ((heures, texte), (clause.heures_requises, clause.texte))
    return ecarts
