"""Accessibility helpers of the base template: the forms of the page that have errors, for the errors summary
at the top of the page (role="alert") and the "Erreur – " prefix of the title."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.formats import date_format

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


@register.filter
def menu_groupe(items, groupe):
    """The navigation entries of one drop-down group (core.navigation.GROUPES)."""
    return [item for item in items if item.get("groupe") == groupe]


@register.simple_tag
def champ_nomme(champ, nom):
    """The field's widget with an accessible name of its own (aria-label), e.g. in a grid where every column's
    fields would otherwise all be called by the column header: "Heures – participant P-012 – septembre 2025".
    Django still adds aria-invalid and aria-describedby (its errors' id) to it."""
    return champ.as_widget(attrs={"aria-label": nom})


@register.simple_tag
def nom_ligne_grille(form, numero, mois):
    """Who a row of the hours grid is about, and which month: 'participant P-012 – septembre 2025'."""
    code = form["participant_code"].value() if "participant_code" in form.fields else None
    qui = f"participant {code}" if code else f"ligne {numero} (nouvelle)"
    if code:
        # One row per participant, employer and modality: name the employer and the modality too.
        for nom in ("entreprise", "modalite"):
            libelle = _libelle_choisi(form, nom)
            if libelle:
                qui += f", {libelle}"
    return f"{qui} – {date_format(mois, 'F Y')}" if mois else qui


def _libelle_choisi(form, nom):
    """The label of the chosen option of a choice field of `form` ("" when none or no such field)."""
    if nom not in form.fields:
        return ""
    valeur = form[nom].value()
    if valeur in (None, ""):
        return ""
    for cle, libelle in getattr(form.fields[nom], "choices", ()):
        if str(cle) == str(valeur):
            return str(libelle)
    return ""
