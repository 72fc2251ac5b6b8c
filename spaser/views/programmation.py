"""The internal forecast of upcoming purchases (published or not): list, entries, export."""

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from core.mixins import RoleRequiredMixin, role_required
from core.parametres import parametres_lire

from .. import selectors
from ..exports import programmation_csv, programmation_xlsx
from ..filters import ProgrammationFiltresForm
from ..forms import ProgrammationForm
from ..models import Programmation
from .base import READ_ROLES, DeleteView, EditView, can_edit


class ProgrammationListView(RoleRequiredMixin, TemplateView):
    roles = READ_ROLES
    template_name = "spaser/programmation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = selectors.programmation_interne()
        queryset, filtres = selectors.programmation_filtrer(
            base, parametres_lire(ProgrammationFiltresForm, self.request.GET))
        queryset = selectors.programmation_par_publication(queryset, self.request.GET.get("publie", ""))
        page = Paginator(queryset, 50).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, object_list=page.object_list, is_paginated=page.has_other_pages(),
                       filtres=filtres, familles=selectors.familles_achat(),
                       trimestres=selectors.trimestres_proposes(base), can_edit=can_edit(self.request.user))
        return context


class ProgrammationCreateView(EditView):
    model = Programmation
    form_class, service, entity, nouveau = ProgrammationForm, "programmation_enregistrer", "programmation", \
        "Nouvel achat programmé"

    def get_spaser(self):
        return None

    def get_success_url(self):
        return reverse("spaser:programmation_list")


class ProgrammationUpdateView(ProgrammationCreateView):
    pass


class ProgrammationDeleteView(DeleteView):
    model, service, entity = Programmation, "programmation_supprimer", "programmation"

    def get_retour(self, obj):
        return reverse("spaser:programmation_list")


@role_required(*READ_ROLES)
def programmation_export(request, format):
    """The internal forecast (published or not) with the same filters as the list."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu.")
    queryset, _ = selectors.programmation_filtrer(selectors.programmation_interne(),
                                                parametres_lire(ProgrammationFiltresForm, request.GET))
    if format == "xlsx":
        return programmation_xlsx(queryset, interne=True)
    return programmation_csv(queryset, interne=True)
