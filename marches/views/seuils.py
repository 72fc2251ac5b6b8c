"""EU thresholds (the DCP edits them; every contract's compliance is recomputed)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.enums import Role
from core.history import history_for
from core.mixins import role_required
from core.perms import ALL_ROLES

from .. import perms, selectors, services
from ..compliance import DATE_OBLIGATIONS
from ..forms import SeuilForm
from ..models import SeuilEuropeen


@role_required(*ALL_ROLES)
def seuil_list(request):
    return render(request, "marches/seuil_list.html", {
        "seuils": selectors.seuil_list(), "can_edit": perms.can_import(request.user),
        "date_obligations": DATE_OBLIGATIONS,
    })


@role_required(Role.DCP, Role.ADMIN)
def seuil_form(request, pk=None):
    seuil = get_object_or_404(SeuilEuropeen, pk=pk) if pk else None
    form = SeuilForm(request.POST or None, instance=seuil)
    if request.method == "POST" and form.is_valid():
        services.seuil_enregistrer(seuil=form.save(commit=False), user=request.user)
        messages.success(request, "Seuil enregistré ; la conformité des marchés a été recalculée.")
        return redirect("marches:seuils")
    return render(request, "marches/form.html", {
        "form": form, "titre": "Modifier le seuil" if seuil else "Nouveau seuil européen",
        "historique": history_for(seuil) if seuil else None, "retour": reverse("marches:seuils"),
    })
