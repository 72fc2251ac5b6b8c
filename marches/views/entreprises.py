"""Companies: list and search, a company's page (its contracts), entry and edition."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import ListView

from core.history import historique_pour
from core.mixins import RoleRequiredMixin, role_required
from core.perms import ALL_ROLES

from .. import perms, selectors, services
from ..enums import TypeStructure
from ..forms import EntrepriseForm


class EntrepriseListView(RoleRequiredMixin, ListView):
    roles = ALL_ROLES
    template_name = "marches/entreprise_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.entreprise_search(selectors.entreprise_list(user=self.request.user),
                                           q=self.request.GET.get("q", ""), type_structure=self.request.GET.get("type"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["types"] = TypeStructure.choices
        context["can_edit"] = perms.can_edit_entreprise(self.request.user)
        return context


@role_required(*ALL_ROLES)
def entreprise_detail(request, pk):
    entreprise = get_object_or_404(selectors.entreprise_list(user=request.user), pk=pk)
    context = {
        "entreprise": entreprise,
        "marches": selectors.entreprise_marches(user=request.user, entreprise=entreprise)[:200],
        "can_edit": perms.can_edit_entreprise(request.user),
        "historique": historique_pour(entreprise, request.user),
    }
    return render(request, "marches/entreprise_detail.html", context)


def _entreprise_form(request, entreprise=None):
    if not perms.can_edit_entreprise(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de modifier les entreprises.")
    form = EntrepriseForm(request.POST or None, instance=entreprise)
    if request.method == "POST" and form.is_valid():
        entreprise = services.entreprise_enregistrer(entreprise=form.save(commit=False), user=request.user)
        messages.success(request, f"Entreprise « {entreprise} » enregistrée.")
        return redirect("marches:entreprise_detail", pk=entreprise.pk)
    titre = f"Modifier {entreprise}" if entreprise else "Nouvelle entreprise"
    return render(request, "marches/form.html", {"form": form, "titre": titre})


@role_required(*ALL_ROLES)
def entreprise_create(request):
    return _entreprise_form(request)


@role_required(*ALL_ROLES)
def entreprise_update(request, pk):
    entreprise = get_object_or_404(selectors.entreprise_list(user=request.user), pk=pk)
    return _entreprise_form(request, entreprise)
