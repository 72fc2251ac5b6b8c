"""The advisor: which clauses a contract (or a contract being drafted) calls for."""

import datetime
from decimal import InvalidOperation

from django.http import JsonResponse
from django.shortcuts import render

from clauses.advisor import regles
from core.mixins import role_required
from core.parametres import IdField, ParametresForm, parametres_lire
from core.perms import ALL_ROLES
from core.utils import decimal_fr
from marches.conseil import situation_pour
from marches.models import Marche

from .. import selectors
from ..perms import LECTURE_REFERENTIEL, can_edit_clauses
from .base import marche_url, marche_visible


@role_required(*ALL_ROLES)
def conseil(request, marche_pk):
    marche = marche_visible(request, marche_pk)
    situation = situation_pour(marche)
    return render(request, "clauses/conseil.html", {
        "marche": marche, "situation": situation, "recommandations": regles(situation),
        "can_edit": can_edit_clauses(request.user, marche), "marche_url": marche_url(marche),
    })


def _decimal_param(value):
    try:
        result = decimal_fr(value)
    except (InvalidOperation, ValueError):
        return None
    return result if result >= 0 else None


class ConseilParametres(ParametresForm):
    famille = IdField()


@role_required(*LECTURE_REFERENTIEL)
def conseil_brouillon(request):
    """JSON advice while drafting a contract: GET famille, montant, date_lancement (AAAA-MM-JJ), cpv."""
    user = request.user
    marche = Marche(acheteur=user.organisation, objet="", code_cpv=request.GET.get("cpv", "")[:10])
    famille_id = parametres_lire(ConseilParametres, request.GET).get("famille")
    if famille_id:
        marche.famille = selectors.famille_ou_rien(famille_id)
    marche.valeur_estimee_ht = _decimal_param(request.GET.get("montant", "")) if request.GET.get("montant") else None
    try:
        marche.date_lancement = datetime.date.fromisoformat(request.GET.get("date_lancement", ""))
    except ValueError:
        marche.date_lancement = None
    situation = situation_pour(marche)
    return JsonResponse({
        "famille": situation.famille_nom or None,
        "recommandations": [r.as_dict() for r in regles(situation)],
    }, json_dumps_params={"ensure_ascii": False})
