"""`{% examens_a_faire %}`: the examinations that wait for the user, on their home page (examens.selectors)."""

from django import template

from examens import selectors

register = template.Library()


@register.inclusion_tag("examens/_a_faire.html", takes_context=True)
def examens_a_faire(context):
    user = context["request"].user
    return {"a_faire": selectors.a_faire(user), "user": user}
