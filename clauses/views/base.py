"""What the clauses' pages share: the contract or clause the user may see, the link to a contract's page,
the history shown to those allowed."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.history import historique_pour
from marches.models import Marche

from ..models import ClauseMarche


def historique_visible(request, obj):
    return historique_pour(obj, request.user)


def marche_visible(request, pk):
    return get_object_or_404(Marche.objects.visibles_par(request.user).select_related("famille", "acheteur",
                                                                                       "direction"), pk=pk)


def clause_visible(request, pk):
    clause = get_object_or_404(ClauseMarche.objects.select_related("marche", "lot", "version__modele"), pk=pk)
    if not Marche.objects.visibles_par(request.user).filter(pk=clause.marche_id).exists():
        raise Http404
    return clause


def marche_url(marche):
    return reverse("marches:detail", args=[marche.pk])
