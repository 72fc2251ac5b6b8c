"""Conventions with partners: list, page (covered contracts, their progress, hours by month and commune)
and their edition by an administrator."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from bilans.selectors import LIBELLE_AUTRES_COMMUNES, SEUIL_SECRET_COMMUNE, secret_statistique
from core.mixins import role_required
from core.perms import ALL_ROLES

from .. import selectors, services
from ..forms import ConventionForm
from ..models import Convention
from .base import ADM, FACILITATION, history_or_none


@role_required(*ALL_ROLES)
def convention_list(request):
    page = Paginator(selectors.conventions_liste(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "facilitateurs/convention_list.html", {
        "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
        "can_edit": request.user.role == ADM})


@role_required(*ALL_ROLES)
def convention_detail(request, pk):
    convention = get_object_or_404(selectors.conventions_visibles(request.user), pk=pk)
    couverts = selectors.convention_marches(convention)
    marches = list(couverts.select_related("acheteur").order_by("identifiant"))
    avancements = selectors.avancement_par_marche(couverts)
    for m in marches:
        m.avancement = avancements.get(m.pk)
    # Under a pooling agreement (globalisation) hours count across the covered contracts.
    total = {"requises": sum((a.requises for a in avancements.values()), Decimal("0")),
             "realisees": sum((a.realisees for a in avancements.values()), Decimal("0"))}
    repartition = selectors.heures_par_mois_et_commune(couverts)
    communes = repartition["communes"]
    if request.user.role not in FACILITATION:  # partners, élus, DCP: no cell of 1 or 2 people
        communes = secret_statistique(communes, cle="commune", effectif="participants",
                                      libelle_autres=LIBELLE_AUTRES_COMMUNES)
    repartition["communes"] = [{**c, "commune": c["commune"] or "Non renseignée"} for c in communes]
    detaches = (list(selectors.convention_marches_detaches(convention).select_related("acheteur"))
                if request.user.role in FACILITATION else [])
    return render(request, "facilitateurs/convention_detail.html", {
        "convention": convention, "marches": marches, "total": total, "detaches": detaches, "seuil": SEUIL_SECRET_COMMUNE,
        "repartition": repartition, "facilitateurs": convention.facilitateurs.all(),
        "can_edit": request.user.role == ADM, "historique": history_or_none(request, convention)})


@role_required(ADM)
def convention_form(request, pk=None):
    convention = get_object_or_404(Convention, pk=pk) if pk else None
    form = ConventionForm(request.POST or None, instance=convention)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        services.convention_enregistrer(convention=obj, user=request.user, marches=form.cleaned_data["marches"],
                                 facilitateurs=form.cleaned_data["facilitateurs"])
        messages.success(request, "Convention enregistrée.")
        return redirect("facilitateurs:convention_detail", pk=obj.pk)
    return render(request, "core/form.html", {
        "form": form, "titre": f"Modifier {convention}" if convention else "Nouvelle convention",
        "historique": history_or_none(request, convention) if convention else None})
