from django import template

from declarations import selectors
from declarations.perms import entreprise_du_contact

register = template.Library()


@register.inclusion_tag("declarations/_tableau.html", takes_context=True)
def tableau_entreprise(context):
    """The company contact's clause contracts (its home page and « Mes marchés »)."""
    entreprise = entreprise_du_contact(context["request"].user)
    return {"entreprise": entreprise, "tableau": selectors.tableau_entreprise(entreprise) if entreprise else []}
