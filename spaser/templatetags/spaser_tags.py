"""Display helpers of the SPASER pages: a value in its indicator's unit, a status badge, the home summary."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from core.models import Organisation
from core.templatetags.formats import format_euros, format_heures, format_nombre, format_pourcent
from spaser import selectors
from spaser.enums import StatutEvaluation, Unite

register = template.Library()

BADGES = {
    StatutEvaluation.ATTEINT: "text-bg-success",
    StatutEvaluation.BONNE_VOIE: "text-bg-info",
    StatutEvaluation.RETARD: "text-bg-danger",
    StatutEvaluation.NON_MESURE: "text-bg-secondary",
    StatutEvaluation.SANS_CIBLE: "text-bg-light",
}


@register.filter
def en_unite(value, unite):
    if value is None or value == "":
        return "—"
    if unite == Unite.POURCENT:
        return format_pourcent(value)
    if unite == Unite.EUROS:
        return format_euros(value, 0)
    if unite == Unite.HEURES:
        return format_heures(value)
    number = Decimal(str(value))
    return format_nombre(number, 0 if number == number.to_integral_value() else 2)


@register.filter
def ecart_unite(value, unite):
    """A gap with its sign; percentages in points."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    signe = "+" if value > 0 else ""
    if unite == Unite.POURCENT:
        return f"{signe}{format_nombre(value * 100, 1)}\u00a0pt"
    return f"{signe}{en_unite(value, unite)}"


@register.simple_tag
def statut_badge(statut):
    label = dict(StatutEvaluation.choices).get(statut, statut)
    return format_html('<span class="badge {}" data-statut="{}">{}</span>', BADGES.get(statut, "text-bg-light"),
                       statut, label)


@register.inclusion_tag("spaser/_resume_home.html")
def spaser_resume():
    """A short progress summary of the scheme in force, for the DCP's home page."""
    spaser = selectors.spaser_en_vigueur()
    if spaser is None:
        return {"spaser": None}
    acheteurs = list(spaser.acheteurs.all())
    instance = Organisation.objects.instance()
    acheteur = instance if instance in acheteurs else (acheteurs[0] if acheteurs else None)
    annee = selectors.annee_par_defaut(spaser)
    resume = None
    if acheteur is not None:
        resume = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee, tendance=False)["resume"]
    return {"spaser": spaser, "annee": annee, "resume": resume, "statuts": StatutEvaluation}
