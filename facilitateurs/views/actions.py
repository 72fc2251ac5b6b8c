"""Next actions of the follow-up (who does what by when, on a contract or a company)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.mixins import role_required

from .. import selectors, services
from ..forms import ActionForm
from ..models import ActionSuivi
from .base import FACILITATION


@role_required(*FACILITATION)
def action_list(request):
    """Open next actions (and create one). ?faites=1 shows the done ones."""
    faites = request.GET.get("faites") == "1"
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.action_enregistrer(action=form.save(commit=False), user=request.user)
        messages.success(request, "Action enregistrée.")
        next_url = request.POST.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("facilitateurs:actions")
    qs = selectors.actions_ouvertes().filter(faite=faites).order_by("echeance", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "facilitateurs/action_list.html", {
        "form": form, "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
        "faites": faites, "today": timezone.localdate()})


@require_POST
@role_required(*FACILITATION)
def action_faite(request, pk):
    action = get_object_or_404(ActionSuivi, pk=pk)
    services.action_marquer_faite(action=action, user=request.user, faite=request.POST.get("faite", "1") == "1")
    messages.success(request, f"Action « {action.quoi} » mise à jour.")
    next_url = request.POST.get("next")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("facilitateurs:actions")
