"""Writes on the SPASER. Atomic, validated, recorded in history with their author."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import auteur_noter

from .enums import StatutSpaser
from .models import (
    Action,
    Axe,
    Cible,
    DocumentStrategique,
    Indicateur,
    Objectif,
    Programmation,
    Spaser,
    ValeurManuelle,
)


def _save(obj, *, user=None, reason: str = ""):
    auteur_noter(obj, user=user, reason=reason)
    obj.full_clean()
    obj.save()
    return obj


def _delete(obj, *, user=None, reason: str = ""):
    auteur_noter(obj, user=user, reason=reason)
    obj.delete()


# --- The scheme and its versions -------------------------------------------------------------------


@transaction.atomic
def spaser_enregistrer(*, spaser: Spaser, acheteurs=None, user=None) -> Spaser:
    if spaser.statut in (StatutSpaser.ADOPTE, StatutSpaser.EN_VIGUEUR) and not spaser.date_adoption:
        raise ValidationError({"date_adoption": "Un schéma adopté a une date d'adoption."})
    _save(spaser, user=user)
    if acheteurs is not None:
        spaser.acheteurs.set(acheteurs)
    return spaser


@transaction.atomic
def spaser_supprimer(*, spaser: Spaser, user=None) -> None:
    if spaser.statut != StatutSpaser.BROUILLON:
        raise ValidationError("Seul un brouillon peut être supprimé : un schéma adopté fait partie de l'historique.")
    _delete(spaser, user=user)


@transaction.atomic
def spaser_adopter(*, spaser: Spaser, date_adoption, reference_deliberation: str, user=None) -> Spaser:
    if spaser.statut != StatutSpaser.BROUILLON:
        raise ValidationError("Seul un brouillon peut être adopté.")
    if not date_adoption or not reference_deliberation.strip():
        raise ValidationError("La date et la référence de la délibération sont obligatoires.")
    spaser.statut = StatutSpaser.ADOPTE
    spaser.date_adoption = date_adoption
    spaser.reference_deliberation = reference_deliberation.strip()
    return _save(spaser, user=user, reason="Adoption")


@transaction.atomic
def spaser_mettre_en_vigueur(*, spaser: Spaser, user=None) -> Spaser:
    """The adopted version comes into force; the version in force for the same buyers is replaced."""
    if spaser.statut != StatutSpaser.ADOPTE:
        raise ValidationError("Seul un schéma adopté peut entrer en vigueur.")
    acheteurs = list(spaser.acheteurs.values_list("pk", flat=True))
    anciens = Spaser.objects.en_vigueur().filter(acheteurs__in=acheteurs).exclude(pk=spaser.pk).distinct()
    for ancien in anciens:
        ancien.statut = StatutSpaser.REMPLACE
        _save(ancien, user=user, reason=f"Remplacé par « {spaser} »")
    spaser.statut = StatutSpaser.EN_VIGUEUR
    return _save(spaser, user=user, reason="Entrée en vigueur")


@transaction.atomic
def spaser_version_creer(*, spaser: Spaser, user=None) -> Spaser:
    """A draft copy of a scheme (axes, objectives, indicators and their targets, actions, documents) to revise it.
    Hand-entered values stay with the version they were measured under."""
    copie = Spaser(
        titre=spaser.titre, version=_version_suivante(spaser.version), statut=StatutSpaser.BROUILLON,
        annee_debut=spaser.annee_debut, annee_fin=spaser.annee_fin, preambule=spaser.preambule,
        annee_depart_publication=spaser.annee_depart_publication, precedent=spaser, published=False,
    )
    _save(copie, user=user, reason=f"Nouvelle version de « {spaser} »")
    copie.acheteurs.set(spaser.acheteurs.all())
    objectifs_copies = {}
    for axe in spaser.axes.prefetch_related("objectifs__indicateurs__cibles"):
        nouvel_axe = _save(Axe(spaser=copie, type_axe=axe.type_axe, titre=axe.titre, description=axe.description,
                               ordre=axe.ordre), user=user)
        for objectif in axe.objectifs.all():
            nouvel_objectif = _save(Objectif(axe=nouvel_axe, titre=objectif.titre, description=objectif.description,
                                             ordre=objectif.ordre), user=user)
            objectifs_copies[objectif.pk] = nouvel_objectif
            for indicateur in objectif.indicateurs.all():
                cibles = list(indicateur.cibles.all())
                indicateur.pk = None
                indicateur.id = None
                indicateur.objectif = nouvel_objectif
                indicateur._state.adding = True
                _save(indicateur, user=user)
                for cible in cibles:
                    _save(Cible(indicateur=indicateur, annee=cible.annee, valeur=cible.valeur), user=user)
    for action in spaser.actions.all():
        _save(Action(spaser=copie, objectif=objectifs_copies.get(action.objectif_id), titre=action.titre,
                     description=action.description, direction=action.direction, echeance=action.echeance,
                     statut=action.statut, published=action.published), user=user)
    for document in spaser.documents.all():
        _save(DocumentStrategique(spaser=copie, type_document=document.type_document, titre=document.titre,
                                  url=document.url, published=document.published), user=user)
    return copie


def _version_suivante(version: str) -> str:
    head = version.strip().split(" ")[0]
    return str(int(head) + 1) if head.isdigit() else f"{version} (révision)"


# --- Parts of the scheme -----------------------------------------------------------------------------


def _check_modifiable(spaser: Spaser):
    if not spaser.est_modifiable:
        raise ValidationError("Ce schéma a été remplacé : il n'est plus modifiable.")


@transaction.atomic
def axe_enregistrer(*, axe: Axe, user=None) -> Axe:
    _check_modifiable(axe.spaser)
    return _save(axe, user=user)


@transaction.atomic
def axe_supprimer(*, axe: Axe, user=None) -> None:
    _check_modifiable(axe.spaser)
    _delete(axe, user=user)


@transaction.atomic
def objectif_enregistrer(*, objectif: Objectif, user=None) -> Objectif:
    _check_modifiable(objectif.axe.spaser)
    return _save(objectif, user=user)


@transaction.atomic
def objectif_supprimer(*, objectif: Objectif, user=None) -> None:
    _check_modifiable(objectif.axe.spaser)
    _delete(objectif, user=user)


@transaction.atomic
def indicateur_enregistrer(*, indicateur: Indicateur, user=None) -> Indicateur:
    _check_modifiable(indicateur.objectif.axe.spaser)
    if indicateur.est_calcule:
        if not indicateur.figure:
            raise ValidationError({"figure": "Choisissez la donnée calculée à laquelle l'indicateur est lié."})
    else:
        indicateur.figure = ""
        if not indicateur.source.strip():
            raise ValidationError({"source": "Indiquez la source d'un indicateur saisi à la main."})
    return _save(indicateur, user=user)


@transaction.atomic
def indicateur_supprimer(*, indicateur: Indicateur, user=None) -> None:
    _check_modifiable(indicateur.objectif.axe.spaser)
    _delete(indicateur, user=user)


@transaction.atomic
def indicateur_valeurs_enregistrer(*, indicateur: Indicateur, cibles: dict, valeurs: dict | None = None,
                            user=None) -> None:
    """Targets per year ({annee: Decimal | None}) and, for a hand-entered indicator, values per buyer and
    year ({(acheteur_id, annee): (Decimal | None, source)}). None deletes the row."""
    spaser = indicateur.objectif.axe.spaser
    _check_modifiable(spaser)
    existantes = {c.annee: c for c in indicateur.cibles.all()}
    for annee, valeur in cibles.items():
        cible = existantes.get(annee)
        if valeur is None:
            if cible is not None:
                _delete(cible, user=user)
        elif cible is None:
            _save(Cible(indicateur=indicateur, annee=annee, valeur=valeur), user=user)
        elif Decimal(cible.valeur) != Decimal(valeur):
            cible.valeur = valeur
            _save(cible, user=user)
    if not valeurs:
        return
    actuelles = {(v.acheteur_id, v.annee): v for v in indicateur.valeurs.all()}
    for (acheteur_id, annee), (valeur, source) in valeurs.items():
        ligne = actuelles.get((acheteur_id, annee))
        if valeur is None:
            if ligne is not None:
                _delete(ligne, user=user)
        elif ligne is None:
            _save(ValeurManuelle(indicateur=indicateur, acheteur_id=acheteur_id, annee=annee, valeur=valeur,
                                 source=source or ""), user=user)
        elif Decimal(ligne.valeur) != Decimal(valeur) or ligne.source != (source or ""):
            ligne.valeur = valeur
            ligne.source = source or ""
            _save(ligne, user=user)


@transaction.atomic
def action_enregistrer(*, action: Action, user=None) -> Action:
    _check_modifiable(action.spaser)
    if action.objectif_id and action.objectif.axe.spaser_id != action.spaser_id:
        raise ValidationError({"objectif": "Cet objectif appartient à un autre schéma."})
    return _save(action, user=user)


@transaction.atomic
def action_supprimer(*, action: Action, user=None) -> None:
    _check_modifiable(action.spaser)
    _delete(action, user=user)


@transaction.atomic
def document_enregistrer(*, document: DocumentStrategique, user=None) -> DocumentStrategique:
    _check_modifiable(document.spaser)
    return _save(document, user=user)


@transaction.atomic
def document_supprimer(*, document: DocumentStrategique, user=None) -> None:
    _check_modifiable(document.spaser)
    _delete(document, user=user)


# --- Forecast of upcoming purchases --------------------------------------------------------------------


@transaction.atomic
def programmation_enregistrer(*, programmation: Programmation, user=None) -> Programmation:
    return _save(programmation, user=user)


@transaction.atomic
def programmation_supprimer(*, programmation: Programmation, user=None) -> None:
    _delete(programmation, user=user)


@transaction.atomic
def programmation_publier(*, programmation: Programmation, published: bool, user=None) -> Programmation:
    programmation.published = published
    return _save(programmation, user=user, reason="Publication" if published else "Retrait du site public")
