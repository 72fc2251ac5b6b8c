"""Plain French for "this already exists" (a unique field or constraint), for every model.

Django's own message reads "Un objet Participant avec ce champ Code existe déjà." Every unique check of a form
or of the admin goes through `Model.unique_error_message`; core.apps installs `unique_error_message` below in its
place, which says what the user typed twice in the words of the domain ("Ce code participant existe déjà."), or,
for a check not listed, a neutral sentence naming the fields. Models are named by their label: no import of a
higher app."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

MESSAGES = {
    ("facilitateurs.participant", ("code",)): "Ce code participant existe déjà.",
    ("facilitateurs.eligibilite", ("participant", "public")): "Ce participant a déjà ce critère d'éligibilité.",
    ("facilitateurs.heuresmensuelles", ("marche", "participant", "entreprise", "mois", "modalite")):
        "Des heures sont déjà enregistrées pour ce participant, cette entreprise, ce mois et cette modalité.",
    ("marches.entreprise", ("siret",)): "Une entreprise avec ce SIRET (ou cet identifiant) existe déjà.",
    ("marches.marche", ("acheteur", "identifiant", "discriminant")):
        "Cet acheteur a déjà un marché avec cet identifiant.",
    ("marches.lot", ("marche", "numero")): "Ce marché a déjà un lot de ce numéro.",
    ("marches.modification", ("marche", "numero")): "Ce marché a déjà une modification de ce numéro.",
    ("marches.attribution", ("marche", "lot", "entreprise", "role")):
        "Cette entreprise a déjà ce rôle sur ce marché.",
    ("marches.seuileuropeen", ("type_seuil", "date_debut")): "Un seuil de ce type commence déjà à cette date.",
    ("core.organisation", ("siret",)): "Une organisation avec ce SIRET existe déjà.",
    ("core.direction", ("organisation", "nom")): "Cette organisation a déjà une direction de ce nom.",
    ("core.user", ("username",)): "Ce nom d'utilisateur est déjà pris.",
    ("clauses.familleachat", ("nom",)): "Une famille d'achat porte déjà ce nom.",
    ("clauses.clausemodeleversion", ("modele", "numero")): "Cette clause type a déjà une version de ce numéro.",
    ("clauses.diagnosticquestion", ("code",)): "Une question de l'autodiagnostic a déjà ce code.",
    ("clauses.diagnostic", ("famille", "annee")): "Cette famille d'achat a déjà un autodiagnostic pour cette année.",
    ("clauses.diagnosticreponse", ("diagnostic", "question")): "Cette question a déjà une réponse.",
    ("spaser.cible", ("indicateur", "annee")): "Cet indicateur a déjà une cible pour cette année.",
    ("spaser.valeurmanuelle", ("indicateur", "acheteur", "annee")):
        "Une valeur est déjà saisie pour cet indicateur, cet acheteur et cette année.",
}


def _libelle(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def unique_error_message(self, model_class, unique_check):
    """Replaces django.db.models.Model.unique_error_message (same signature)."""
    message = MESSAGES.get((model_class._meta.label_lower, tuple(unique_check)))
    if message is None:
        libelles = [_libelle(model_class, name) for name in unique_check]
        if len(libelles) == 1:
            message = f"Cette valeur de « {libelles[0]} » existe déjà : choisissez-en une autre."
        else:
            message = ("Cette combinaison existe déjà (" + ", ".join(libelles) + ") : changez l'une de ces valeurs.")
    return ValidationError(message, code="unique" if len(unique_check) == 1 else "unique_together",
                           params={"model": self, "model_class": model_class, "unique_check": unique_check})


def installer() -> None:
    if not hasattr(models.Model, "_django_unique_error_message"):
        models.Model._django_unique_error_message = models.Model.unique_error_message
        models.Model.unique_error_message = unique_error_message
