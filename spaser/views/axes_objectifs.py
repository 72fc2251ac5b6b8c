"""The scheme's tree: axes, their objectives, the objectives' indicators, and an indicator's targets per year
(and its hand-entered values per buyer and year)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic.edit import FormView

from core.mixins import RoleRequiredMixin

from .. import services
from ..forms import AxeForm, IndicateurForm, ObjectifForm, ValeursIndicateurForm
from ..models import Axe, Indicateur, Objectif, Spaser
from .base import WRITE_ROLES, DeleteView, EditView, add_validation_error


class AxeCreateView(EditView):
    model, parent_model, parent_field = Axe, Spaser, "spaser"
    form_class, service, entity, nouveau = AxeForm, "axe_enregistrer", "axe", "Nouvel axe"


class AxeUpdateView(AxeCreateView):
    pass


class AxeDeleteView(DeleteView):
    model, service, entity = Axe, "axe_supprimer", "axe"
    consequences = "Ses objectifs et leurs indicateurs (cibles et valeurs saisies) seront supprimés avec lui."


class ObjectifCreateView(EditView):
    model, parent_model, parent_field = Objectif, Axe, "axe"
    form_class, service, entity, nouveau = ObjectifForm, "objectif_enregistrer", "objectif", "Nouvel objectif"


class ObjectifUpdateView(ObjectifCreateView):
    pass


class ObjectifDeleteView(DeleteView):
    model, service, entity = Objectif, "objectif_supprimer", "objectif"
    consequences = "Ses indicateurs (cibles et valeurs saisies) seront supprimés avec lui ; ses actions restent."


class IndicateurCreateView(EditView):
    model, parent_model, parent_field = Indicateur, Objectif, "objectif"
    form_class, service, entity, nouveau = IndicateurForm, "indicateur_enregistrer", "indicateur", "Nouvel indicateur"

    def success_url_for(self, obj):
        return reverse("spaser:indicateur_valeurs", args=[obj.pk])


class IndicateurUpdateView(IndicateurCreateView):
    pass


class IndicateurDeleteView(DeleteView):
    model, service, entity = Indicateur, "indicateur_supprimer", "indicateur"
    consequences = "Ses cibles et ses valeurs saisies seront supprimées avec lui."


class IndicateurValeursView(RoleRequiredMixin, FormView):
    """Targets per year (and hand-entered values per buyer and year) of one indicator."""

    roles = WRITE_ROLES
    template_name = "spaser/indicateur_valeurs.html"
    form_class = ValeursIndicateurForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in self.roles:
            self.indicateur = get_object_or_404(
                Indicateur.objects.select_related("objectif__axe__spaser").prefetch_related("cibles", "valeurs"),
                pk=kwargs["pk"])
            self.spaser = self.indicateur.objectif.axe.spaser
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(indicateur=self.indicateur, annees=self.spaser.annees,
                      acheteurs=list(self.spaser.acheteurs.all()))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(indicateur=self.indicateur, spaser=self.spaser)
        return context

    def form_valid(self, form):
        try:
            services.indicateur_valeurs_enregistrer(indicateur=self.indicateur, cibles=form.cibles(),
                                             valeurs=form.valeurs(), user=self.request.user)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Cibles de « {self.indicateur} » enregistrées.")
        return redirect("spaser:detail", pk=self.spaser.pk)
