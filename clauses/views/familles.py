"""The clauses' index and the purchase families (list, page, edition, archiving, suggestion from a CPV code)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.mixins import role_required
from marches.models import Marche

from .. import selectors, services
from ..enums import AxeDiagnostic, TypeClause
from ..forms import FamilleForm
from ..models import FamilleAchat
from ..perms import GESTION_REFERENTIEL, LECTURE_REFERENTIEL, can_manage_referentiel
from .base import historique_visible


@role_required(*LECTURE_REFERENTIEL)
def index(request):
    familles = selectors.famille_list(actives=True)
    par_type = selectors.nb_clauses_modeles_par_type()
    derniers = selectors.derniers_diagnostics(avec_famille=True)
    context = {
        "familles": familles,
        "types": [(value, label, par_type.get(value, 0)) for value, label in TypeClause.choices],
        "nb_clauses": sum(par_type.values()),
        "diagnostics": list(derniers.values()),
        "axes": AxeDiagnostic.choices,
        "can_manage": can_manage_referentiel(request.user),
        "a_examiner": selectors.marches_a_examiner(Marche.objects.visibles_par(request.user), request.user),
        "nb_clauses_marches": selectors.nb_clauses_des_marches(Marche.objects.visibles_par(request.user)),
    }
    return render(request, "clauses/index.html", context)


# --- Purchase families -----------------------------------------------------------------------------------------

@role_required(*LECTURE_REFERENTIEL)
def famille_list(request):
    statut = request.GET.get("statut", "actives")
    actives = {"actives": True, "archivees": False}.get(statut)
    return render(request, "clauses/famille_list.html", {
        "familles": selectors.famille_list(actives=actives), "statut": statut,
        "can_manage": can_manage_referentiel(request.user),
    })


@role_required(*LECTURE_REFERENTIEL)
def famille_detail(request, pk):
    famille = get_object_or_404(FamilleAchat, pk=pk)
    return render(request, "clauses/famille_detail.html", {
        "famille": famille,
        "clauses": selectors.clauses_modeles_de_famille(famille),
        "nb_marches": famille.marches.count(),
        "diagnostics": [(d, selectors.diagnostic_scores(d)) for d in selectors.diagnostics_de_famille(famille)],
        "axes": AxeDiagnostic.choices,
        "can_manage": can_manage_referentiel(request.user),
        "historique": historique_visible(request, famille),
    })


@role_required(*GESTION_REFERENTIEL)
def famille_form(request, pk=None):
    famille = get_object_or_404(FamilleAchat, pk=pk) if pk else None
    form = FamilleForm(request.POST or None, instance=famille)
    if request.method == "POST" and form.is_valid():
        famille = services.famille_enregistrer(famille=form.save(commit=False), user=request.user)
        messages.success(request, f"Famille « {famille} » enregistrée.")
        return redirect("clauses:famille_detail", pk=famille.pk)
    return render(request, "clauses/form.html", {
        "form": form, "titre": f"Modifier la famille « {famille} »" if famille else "Nouvelle famille d'achat",
        "retour": reverse("clauses:famille_detail", args=[famille.pk]) if famille else reverse("clauses:familles"),
    })


@role_required(*GESTION_REFERENTIEL)
def famille_archive(request, pk):
    famille = get_object_or_404(FamilleAchat, pk=pk)
    if request.method == "POST":
        services.famille_archiver(famille=famille, user=request.user, active=not famille.is_active)
        messages.success(request, f"Famille « {famille} » {'réactivée' if famille.is_active else 'archivée'}.")
        return redirect("clauses:famille_detail", pk=famille.pk)
    return render(request, "clauses/confirm.html", {
        "titre": f"{'Réactiver' if not famille.is_active else 'Archiver'} la famille « {famille} »",
        "message": "Une famille archivée n'est plus proposée pour les nouveaux marchés ni déduite de leur CPV ; "
                   "les marchés qui la portent la gardent." if famille.is_active
        else "La famille sera de nouveau proposée et déduite du CPV des nouveaux marchés.",
        "bouton": "Archiver" if famille.is_active else "Réactiver",
        "danger": famille.is_active,
        "retour": reverse("clauses:famille_detail", args=[famille.pk]),
    })


@require_GET
@role_required(*LECTURE_REFERENTIEL)
def famille_suggestion(request):
    """JSON: the family suggested for a CPV code (for the contract form), with its defaults."""
    famille = selectors.famille_pour_cpv(request.GET.get("cpv", ""))
    if famille is None:
        return JsonResponse({"famille": None})
    return JsonResponse({"famille": {
        "id": famille.pk, "nom": famille.nom, "part_main_oeuvre": str(famille.part_main_oeuvre),
        "taux_insertion": str(famille.taux_insertion), "cout_horaire": str(famille.cout_horaire),
    }})
