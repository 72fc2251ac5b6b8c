"""Writes on FSE+ operations and participations: atomic, validated (French messages, nothing written on
error), recorded by django-simple-history with their author (core.services.auteur_noter)."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone

from core.services import auteur_noter

from .models import OperationFSE, ParticipationFSE

M2M_OPERATION = ("facilitateurs", "conventions")


def _date(d) -> str:
    return d.strftime("%d/%m/%Y")


def _affecter(instance, champs: dict):
    for nom, valeur in champs.items():
        try:
            champ = instance._meta.get_field(nom)
        except FieldDoesNotExist:
            raise TypeError(f"{type(instance).__name__} n'a pas de champ {nom!r}") from None
        if champ.many_to_many or not champ.concrete or champ.primary_key:
            raise TypeError(f"Champ {nom!r} non modifiable ici")
        setattr(instance, champ.attname if champ.is_relation and not hasattr(valeur, "_meta") else nom, valeur)


def _erreurs_modele(instance, exclure=()) -> dict[str, list[str]]:
    """The model's own validation (required fields, choices, types; values converted in place): run first, so
    the rules below only read the fields it accepted."""
    try:
        instance.full_clean(exclude=list(exclure), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {champ: list(messages) for champ, messages in exc.message_dict.items()}
    return {}


def _lever(erreurs: dict):
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def operation_enregistrer(*, user, instance: OperationFSE | None = None, reason: str = "", **champs) -> OperationFSE:
    """Create (instance=None) or update an operation. `facilitateurs` and `conventions`, when given, replace the
    operation's users and conventions."""
    operation = instance if instance is not None else OperationFSE()
    m2m = {nom: champs.pop(nom) for nom in M2M_OPERATION if nom in champs}
    _affecter(operation, champs)
    if isinstance(operation.reference, str):
        operation.reference = operation.reference.strip()
    erreurs = _erreurs_modele(operation)

    def valides(*noms):
        return not any(nom in erreurs for nom in noms)

    if valides("reference") and OperationFSE.objects.filter(reference=operation.reference).exclude(
            pk=operation.pk).exists():
        erreurs["reference"] = ["Une opération porte déjà cette référence."]
    if valides("date_debut", "date_fin") and operation.date_fin < operation.date_debut:
        erreurs["date_fin"] = ["La fin de l'opération précède son début."]
    if valides("montant_fse") and operation.montant_fse < 0:
        erreurs["montant_fse"] = ["Un montant ne peut pas être négatif."]
    if operation.pk and not erreurs:
        hors = operation.participations.exclude(date_entree__range=(operation.date_debut, operation.date_fin))
        if hors.exists():
            erreurs["date_debut"] = [f"{hors.count()} participant(s) sont entrés hors de cette période : "
                                     "modifiez d'abord leur date d'entrée."]
    _lever(erreurs)
    auteur_noter(operation, user=user, reason=reason)
    operation.save()
    if "conventions" in m2m:
        conventions = list(m2m["conventions"])
        retirees = operation.participations.filter(convention__isnull=False).exclude(
            convention__in=[c.pk for c in conventions])
        if retirees.exists():
            raise ValidationError({"conventions": [
                "Des participants sont suivis sous une convention retirée : changez d'abord leur convention."]})
        operation.conventions.set(conventions)
    if "facilitateurs" in m2m:
        operation.facilitateurs.set(m2m["facilitateurs"])
    return operation


@transaction.atomic
def participation_enregistrer(*, user, instance: ParticipationFSE | None = None, reason: str = "",
                              **champs) -> ParticipationFSE:
    """Create (instance=None) or update a participant's participation in an operation: the entry
    questionnaire, the answers at exit and six months after."""
    participation = instance if instance is not None else ParticipationFSE()
    _affecter(participation, champs)
    erreurs = {}
    if participation.date_information is None:
        erreurs["date_information"] = ["Indiquez la date à laquelle la personne a été informée du traitement de "
                                       "ses données (obligatoire : règlement FSE+ et RGPD)."]
    erreurs.update(_erreurs_modele(participation, exclure=erreurs))

    def valides(*noms):
        return not any(nom in erreurs for nom in noms)

    operation = participation.operation if participation.operation_id and valides("operation") else None
    if operation is not None and valides("date_entree") and not (
            operation.date_debut <= participation.date_entree <= operation.date_fin):
        erreurs["date_entree"] = [
            f"La date d'entrée doit être comprise dans la période de l'opération (du {_date(operation.date_debut)} "
            f"au {_date(operation.date_fin)})."]
    if valides("date_information") and participation.date_information > timezone.localdate():
        erreurs["date_information"] = ["La date d'information ne peut pas être dans le futur."]
    if (operation is not None and valides("convention") and participation.convention_id
            and not operation.conventions.filter(pk=participation.convention_id).exists()):
        erreurs["convention"] = ["Cette convention n'est pas couverte par l'opération."]
    if (operation is not None and valides("participant") and participation.participant_id
            and ParticipationFSE.objects.filter(operation=operation, participant_id=participation.participant_id)
            .exclude(pk=participation.pk).exists()):
        erreurs["participant"] = ["Ce participant est déjà entré dans cette opération."]
    _lever(erreurs)
    auteur_noter(participation, user=user, reason=reason)
    participation.save()
    return participation
