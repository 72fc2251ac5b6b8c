"""The examinations' pure rules: which decided kinds are social, when a waiver must be justified, the figures'
arithmetic. No database access (tested on plain values)."""

import datetime
import statistics
from decimal import ROUND_HALF_UP, Decimal

from clauses.enums import TypeClause
from marches.compliance import DATE_OBLIGATIONS, seuil_en_vigueur, type_seuil_pour, valeur_reference
from marches.enums import Nature

from .enums import TypeAvis

# The considerations a DCP decision can retain (the kinds of clause created on the contract).
SOCIALES = (TypeClause.INSERTION, TypeClause.CRITERE_SOCIAL, TypeClause.RESERVE_SIAE, TypeClause.RESERVE_EA_ESAT,
            TypeClause.RESERVE_ESS)
ENVIRONNEMENTALES = (TypeClause.CONDITION_ENVIRONNEMENTALE, TypeClause.CRITERE_ENVIRONNEMENTAL)
DECIDABLES = (*SOCIALES, *ENVIRONNEMENTALES)
# Advisor's recommendation levels that count as "the advisor suggests it".
NIVEAUX_SUGGERES = ("obligatoire", "recommandee")
MOTIF_HEURES = "Heures décidées à l'examen avant lancement"
MOTIF_VALEUR_ESTIMEE = ("Montant de référence : la valeur estimée à l'examen avant lancement (le marché n'a pas "
                        "encore de montant notifié)")


# The clause each kind of the facilitator's proposal becomes on the contract: the DCP decision's starting point.
CLAUSE_POUR_AVIS = {TypeAvis.HEURES: TypeClause.INSERTION, TypeAvis.SOUS_TRAITANCE_SIAE: TypeClause.INSERTION,
                    TypeAvis.CRITERE: TypeClause.CRITERE_SOCIAL, TypeAvis.LOT_RESERVE: TypeClause.RESERVE_SIAE}


def clauses_proposees(avis_types) -> list[str]:
    """The clause kinds the facilitator's proposal amounts to, once each, in the proposal's order."""
    return list(dict.fromkeys(CLAUSE_POUR_AVIS[t] for t in avis_types if t in CLAUSE_POUR_AVIS))


def sociale_retenue(types) -> bool:
    return any(t in SOCIALES for t in types)


def conseil_suggere_sociale(conseil: list[dict]) -> bool:
    """The advisor suggested a social consideration (its recommendation dicts, `Recommandation.as_dict`)."""
    return any(r.get("type") in SOCIALES and r.get("niveau") in NIVEAUX_SUGGERES for r in conseil)


def derogation_requise(marche, *, date_lancement: datetime.date, seuils) -> bool:
    """L2112-2-1: a consultation launched from 21 August 2026 whose value reaches the EU threshold in force at
    launch carries a social execution condition, or a written justification of the waiver."""
    if marche.nature == Nature.DEFENSE_SECURITE or date_lancement is None or date_lancement < DATE_OBLIGATIONS:
        return False
    valeur = valeur_reference(marche)
    seuil = seuil_en_vigueur(seuils, type_seuil_pour(marche), date_lancement)
    return valeur is not None and seuil is not None and valeur >= seuil


def part(numerateur: int, denominateur: int) -> Decimal | None:
    """A share in [0, 1], rounded half up to 4 places; None when there is nothing to divide by."""
    if not denominateur:
        return None
    return (Decimal(numerateur) / Decimal(denominateur)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def delais_jours(paires) -> list[Decimal]:
    """Days from opening to decision of each (opened, decided) pair of datetimes, to the tenth of a day."""
    return [(Decimal((decide - ouvert).total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            for ouvert, decide in paires if ouvert is not None and decide is not None]


def moyenne(valeurs: list[Decimal]) -> Decimal | None:
    if not valeurs:
        return None
    return (sum(valeurs) / Decimal(len(valeurs))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mediane(valeurs: list[Decimal]) -> Decimal | None:
    if not valeurs:
        return None
    return Decimal(statistics.median(valeurs)).quantize(Decimal("0.1"), ROUND_HALF_UP)
