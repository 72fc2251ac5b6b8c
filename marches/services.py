"""Writes on contracts, lots, companies, attributions, amendments and EU thresholds. Every write is
atomic and recorded by simple-history with its author (from the request, or passed by commands).
Compliance (statut_conformite, manquements) is recomputed by Marche.save() on every save."""

from django.db import transaction

from core.services import record_author

from .compliance import conformite_evaluer
from .enums import TypeIdentifiant
from .models import Attribution, Entreprise, Lot, Marche, Modification, SeuilEuropeen


def seuils_charger() -> list[dict]:
    return list(SeuilEuropeen.objects.values("type_seuil", "date_debut", "date_fin", "montant_ht"))


def _montants_initiaux(marche: Marche, has_modifications: bool):
    if not has_modifications:
        marche.montant_initial_ht = marche.montant_ht
        marche.duree_initiale_mois = marche.duree_mois
    else:
        if marche.montant_initial_ht is None:
            marche.montant_initial_ht = marche.montant_ht
        if marche.duree_initiale_mois is None:
            marche.duree_initiale_mois = marche.duree_mois


@transaction.atomic
def marche_save(*, marche: Marche, user=None, reason: str = "") -> Marche:
    """Create or update a contract; compliance is computed on save. Without amendments the initial amount
    and duration follow the notified ones; with amendments the current values come from the amendments."""
    has_modifications = bool(marche.pk) and marche.modifications.exists()
    _montants_initiaux(marche, has_modifications)
    if has_modifications:
        _appliquer_modifications(marche)
    record_author(marche, user=user, reason=reason)
    marche.save()
    return marche


def marche_conformite_recalculer(*, queryset=None, batch_size: int = 2000) -> int:
    """Recompute compliance of many contracts (after a threshold changed); returns how many changed."""
    seuils = seuils_charger()
    queryset = queryset if queryset is not None else Marche.objects.all()
    changed = []
    for marche in queryset.iterator(chunk_size=batch_size):
        avant = (marche.statut_conformite, marche.manquements)
        marche.statut_conformite, marche.manquements = conformite_evaluer(marche, seuils)
        if (marche.statut_conformite, marche.manquements) != avant:
            changed.append(marche)
    Marche.objects.bulk_update(changed, ["statut_conformite", "manquements"], batch_size=batch_size)
    return len(changed)


@transaction.atomic
def marche_delete(*, marche: Marche, user=None) -> None:
    record_author(marche, user=user, reason="Suppression")
    marche.delete()


# --- Companies ---------------------------------------------------------------------------------------

@transaction.atomic
def entreprise_save(*, entreprise: Entreprise, user=None, reason: str = "") -> Entreprise:
    record_author(entreprise, user=user, reason=reason)
    entreprise.save()
    return entreprise


def entreprise_get_or_create(*, siret: str, nom: str = "", type_identifiant: str = TypeIdentifiant.SIRET,
                             code_postal: str = "", user=None) -> tuple[Entreprise, bool]:
    """Companies known only by their identifier (imports) are created from it; an existing one keeps its data,
    except an empty name that a file now gives."""
    entreprise = Entreprise.objects.filter(siret=siret).first()
    if entreprise is not None:
        if nom and not entreprise.nom:
            entreprise.nom = nom
            entreprise_save(entreprise=entreprise, user=user, reason="Nom repris d'un import")
        return entreprise, False
    entreprise = Entreprise(siret=siret, nom=nom, type_identifiant=type_identifiant, code_postal=code_postal)
    entreprise_save(entreprise=entreprise, user=user, reason="Créée à l'import")
    return entreprise, True


# --- Lots and attributions ---------------------------------------------------------------------------

@transaction.atomic
def lot_save(*, lot: Lot, user=None, reason: str = "") -> Lot:
    if lot.numero is None:
        dernier = lot.marche.lots.order_by("-numero").values_list("numero", flat=True).first()
        lot.numero = (dernier or 0) + 1
    record_author(lot, user=user, reason=reason)
    lot.save()
    return lot


@transaction.atomic
def lot_delete(*, lot: Lot, user=None) -> None:
    record_author(lot, user=user, reason="Suppression")
    lot.delete()


@transaction.atomic
def attribution_save(*, attribution: Attribution, user=None, reason: str = "") -> Attribution:
    record_author(attribution, user=user, reason=reason)
    attribution.save()
    marche = attribution.marche
    if attribution.role == "sous_traitant" and not marche.sous_traitance_declaree:
        marche.sous_traitance_declaree = True
        marche_save(marche=marche, user=user, reason="Sous-traitant déclaré")
    return attribution


@transaction.atomic
def attribution_delete(*, attribution: Attribution, user=None) -> None:
    record_author(attribution, user=user, reason="Suppression")
    attribution.delete()


# --- Amendments --------------------------------------------------------------------------------------

def _appliquer_modifications(marche: Marche) -> None:
    """Current amount and duration = those of the latest amendment that sets them, else the initial ones."""
    montant, duree = marche.montant_initial_ht, marche.duree_initiale_mois
    for modification in marche.modifications.order_by("numero"):
        if modification.montant_ht is not None:
            montant = modification.montant_ht
        if modification.duree_mois is not None:
            duree = modification.duree_mois
    marche.montant_ht, marche.duree_mois = montant, duree


@transaction.atomic
def modification_save(*, modification: Modification, user=None, reason: str = "") -> Modification:
    """Record an amendment; it updates the contract's amount and duration."""
    marche = modification.marche
    _montants_initiaux(marche, marche.modifications.exists())
    if modification.numero is None:
        dernier = marche.modifications.order_by("-numero").values_list("numero", flat=True).first()
        modification.numero = (dernier or 0) + 1
    record_author(modification, user=user, reason=reason)
    modification.save()
    _appliquer_modifications(marche)
    record_author(marche, user=user, reason=f"Modification n° {modification.numero}")
    marche.save()
    return modification


@transaction.atomic
def modification_delete(*, modification: Modification, user=None) -> None:
    marche = modification.marche
    record_author(modification, user=user, reason="Suppression")
    modification.delete()
    _appliquer_modifications(marche)
    record_author(marche, user=user, reason="Modification supprimée")
    marche.save()


# --- EU thresholds -----------------------------------------------------------------------------------

@transaction.atomic
def seuil_save(*, seuil: SeuilEuropeen, user=None, reason: str = "") -> SeuilEuropeen:
    """Save a threshold and recompute the compliance of every contract (a few thousand rows at most
    are affected in practice; done in bulk)."""
    record_author(seuil, user=user, reason=reason)
    seuil.save()
    marche_conformite_recalculer()
    return seuil
