"""Self-diagnosis of the purchase families: the overview, a family's history and suggested actions, the
yearly entry."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from core.mixins import role_required

from .. import selectors, services
from ..enums import AxeDiagnostic
from ..forms import DiagnosticForm
from ..models import FamilleAchat
from ..perms import GESTION_REFERENTIEL, LECTURE_REFERENTIEL, can_manage_referentiel
from .base import historique_visible


def _actions(diagnostic):
    """Suggested actions: the questions scored 0 or 1, lowest first."""
    reponses = sorted((r for r in diagnostic.reponses.all() if r.note <= 1),
                      key=lambda r: (r.note, r.question.axe, r.question.ordre))
    return [(r.question, r.note) for r in reponses if r.question.action]


@role_required(*LECTURE_REFERENTIEL)
def diagnostics(request):
    familles = list(selectors.familles_actives().order_by("nom"))
    par_famille = selectors.derniers_diagnostics()
    lignes = [(f, *par_famille.get(f.pk, (None, {}))) for f in familles]
    return render(request, "clauses/diagnostics.html", {
        "lignes": lignes, "axes": AxeDiagnostic.choices, "annee": datetime.date.today().year,
        "can_manage": can_manage_referentiel(request.user),
    })


@role_required(*LECTURE_REFERENTIEL)
def diagnostic_famille(request, famille_pk):
    famille = get_object_or_404(FamilleAchat, pk=famille_pk)
    historique = [(d, selectors.diagnostic_scores(d)) for d in selectors.diagnostics_de_famille(famille)]
    dernier = historique[-1][0] if historique else None
    chart = {
        "labels": [str(d.annee) for d, _ in historique],
        "datasets": [{"label": label, "data": [s.get(axe) for _, s in historique]}
                     for axe, label in AxeDiagnostic.choices],
    }
    return render(request, "clauses/diagnostic_famille.html", {
        "famille": famille, "historique_diag": list(reversed(historique)), "axes": AxeDiagnostic.choices,
        "chart": chart, "actions": _actions(dernier) if dernier else [],
        "dernier": dernier, "annee": datetime.date.today().year,
        "can_manage": can_manage_referentiel(request.user),
        "historique": historique_visible(request, dernier) if dernier else None,
    })


@role_required(*GESTION_REFERENTIEL)
def diagnostic_saisie(request, famille_pk, annee):
    famille = get_object_or_404(FamilleAchat, pk=famille_pk)
    if not 2000 <= annee <= 2100:
        raise Http404
    questions = selectors.diagnostic_questions()
    diagnostic = selectors.diagnostic_de(famille, annee)
    source = diagnostic or selectors.diagnostic_precedent(famille, annee)
    initial_notes = {r.question_id: r.note for r in source.reponses.all()} if source else {}
    form = DiagnosticForm(request.POST or None, questions=questions, initial_notes=initial_notes,
                          initial={"commentaire": diagnostic.commentaire if diagnostic else ""})
    if request.method == "POST" and form.is_valid():
        services.diagnostic_enregistrer(famille=famille, annee=annee, notes=form.notes(),
                                 commentaire=form.cleaned_data["commentaire"], user=request.user)
        messages.success(request, f"Autodiagnostic {annee} de « {famille} » enregistré.")
        return redirect("clauses:diagnostic_famille", famille_pk=famille.pk)
    return render(request, "clauses/diagnostic_saisie.html", {
        "famille": famille, "annee": annee, "form": form, "diagnostic": diagnostic,
        "prerempli": source is not None and diagnostic is None, "source": source,
    })
