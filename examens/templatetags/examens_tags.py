"""`{% examens_a_faire %}`: the examinations that wait for the user, on their home page (examens.selectors);
`{% examen_du_marche marche %}`: a contract's examination on its page."""

from django import template
from django.utils import timezone

from examens import selectors
from examens.perms import can_open_examen
from marches.compliance import MANQUE_EXAMEN, examen_manquant

register = template.Library()


@register.inclusion_tag("examens/_a_faire.html", takes_context=True)
def examens_a_faire(context):
    user = context["request"].user
    return {"a_faire": selectors.a_faire(user), "user": user}


@register.inclusion_tag("examens/_marche.html", takes_context=True)
def examen_du_marche(context, marche):
    """On a contract's page: its examination (step, link) for those who may read it, the link to open one, and
    the SPASER rule's flag when its consultation was launched without an examination decided by then."""
    user = context["request"].user
    examen = selectors.examen_de_marche(marche)
    decide = timezone.localtime(examen.decide_le).date() if examen is not None and examen.decide_le else None
    suivi = marche.acheteur.type in selectors.BUYERS_SUIVIS
    return {
        "marche": marche, "suivi": suivi,
        "examen": examen if examen is not None and selectors.examen_detail(user=user, pk=examen.pk) else None,
        "existe": examen is not None,
        "peut_ouvrir": examen is None and marche.date_notification is None and can_open_examen(user, marche),
        "manquant": suivi and examen_manquant(date_lancement=marche.date_lancement, date_decision=decide,
                                              today=timezone.localdate()),
        "MANQUE_EXAMEN": MANQUE_EXAMEN,
    }
