"""Accessibility helpers of the base template: the forms of the page that have errors, for the errors summary
at the top of the page (role="alert") and the "Erreur – " prefix of the title."""

from django import template
from django.forms import BaseForm, BaseFormSet

register = template.Library()


def _formulaires(context):
    """Every bound form of the context: forms, formsets (their forms) and filter sets (their form)."""
    vus = set()
    for valeur in context.flatten().values():
        candidats = [valeur]
        form_du_filtre = getattr(valeur, "form", None) if hasattr(valeur, "filters") else None
        if isinstance(form_du_filtre, BaseForm):
            candidats = [form_du_filtre]
        for candidat in candidats:
            if id(candidat) in vus:
                continue
            vus.add(id(candidat))
            if isinstance(candidat, BaseForm | BaseFormSet) and candidat.is_bound:
                yield candidat


def _erreurs_formulaire(form, prefixe=""):
    lignes = []
    for erreur in form.non_field_errors():
        lignes.append({"texte": f"{prefixe}{erreur}", "ancre": None})
    for champ in form:
        for erreur in champ.errors:
            lignes.append({"texte": f"{prefixe}{champ.label} : {erreur}", "ancre": champ.id_for_label})
    return lignes


@register.simple_tag(takes_context=True)
def formulaires_en_erreur(context):
    """The errors of the page's bound forms, each {"texte", "ancre"} (the field's id, for a link), in order."""
    lignes = []
    for formulaire in _formulaires(context):
        if isinstance(formulaire, BaseFormSet):
            for erreur in formulaire.non_form_errors():
                lignes.append({"texte": str(erreur), "ancre": None})
            for numero, form in enumerate(formulaire.forms, start=1):
                if form.errors:
                    lignes += _erreurs_formulaire(form, prefixe=f"Ligne {numero} – ")
        elif formulaire.errors:
            lignes += _erreurs_formulaire(formulaire)
    return lignes


@register.filter
def a_champ_obligatoire(form) -> bool:
    """True when a visible field of the form is required (crispy marks it with an asterisk)."""
    return any(champ.field.required and not champ.is_hidden for champ in form)
