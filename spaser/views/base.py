"""What every internal SPASER page shares: who reads and who writes, and the generic create / update / delete
of one part of the scheme through its service.

The DCP (and administrators) write the scheme; élus, buyers and facilitators read it. A partner user sees
only the schemes that cover its organisation (a joint scheme) and, in them, only its own indicators; the
forecast and every write are forbidden to partners (403)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.enums import Role
from core.history import history_for
from core.mixins import RoleRequiredMixin
from core.perms import can_see_history

from .. import services
from ..models import Action, Axe, DocumentStrategique, Indicateur, Objectif, Spaser

READ_ROLES = (Role.DCP, Role.ADMIN, Role.ELU, Role.ACHETEUR, Role.FACILITATEUR)
# Partner users read the schemes that cover their organisation (spaser.perms), nothing else.
SCHEME_ROLES = READ_ROLES + (Role.PARTENAIRE,)
WRITE_ROLES = (Role.DCP, Role.ADMIN)


def can_edit(user) -> bool:
    return user.is_authenticated and user.role in WRITE_ROLES


def spaser_of(obj) -> Spaser:
    if isinstance(obj, Spaser):
        return obj
    if isinstance(obj, Axe | Action | DocumentStrategique):
        return obj.spaser
    if isinstance(obj, Objectif):
        return obj.axe.spaser
    if isinstance(obj, Indicateur):
        return obj.objectif.axe.spaser
    raise TypeError(obj)


def add_validation_error(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for item in error.messages:
            form.add_error(None, item)


class EditView(RoleRequiredMixin, FormView):
    """Create (a parent in the URL) or update (the object's pk) one part of the scheme through its service."""

    roles = WRITE_ROLES
    template_name = "spaser/form.html"
    model = None
    parent_model = None
    parent_field = ""
    service = None  # name of the function in services, called with the entity's name
    entity = ""
    nouveau = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in self.roles:
            self.object = get_object_or_404(self.model, pk=kwargs["pk"]) if "pk" in kwargs else None
            self.parent = get_object_or_404(self.parent_model, pk=kwargs["parent"]) if "parent" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_spaser(self):
        return spaser_of(self.object if self.object is not None else self.parent)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titre"] = f"Modifier « {self.object} »" if self.object else self.nouveau
        context["spaser"] = self.get_spaser()
        context["retour"] = self.get_success_url()
        if self.object is not None and can_see_history(self.request.user):
            context["historique"] = history_for(self.object)
        return context

    def build(self, form):
        obj = form.save(commit=False)
        if self.object is None and self.parent_field:
            setattr(obj, self.parent_field, self.parent)
        return obj

    def get_success_url(self):
        return reverse("spaser:detail", args=[self.get_spaser().pk])

    def form_valid(self, form):
        obj = self.build(form)
        try:
            getattr(services, self.service)(**{self.entity: obj, "user": self.request.user})
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"« {obj} » enregistré.")
        return redirect(self.success_url_for(obj))

    def success_url_for(self, obj):
        return self.get_success_url()


class DeleteView(RoleRequiredMixin, TemplateView):
    """GET: ask for confirmation (with what goes with it); POST: delete through the service."""

    roles = WRITE_ROLES
    template_name = "spaser/confirm_delete.html"
    model = None
    service = ""
    entity = ""
    consequences = ""

    def get_object(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_retour(self, obj):
        return reverse("spaser:detail", args=[spaser_of(obj).pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(objet=obj, type_objet=obj._meta.verbose_name, consequences=self.consequences,
                       retour=self.get_retour(obj))
        return context

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        retour = self.get_retour(obj)
        try:
            getattr(services, self.service)(**{self.entity: obj, "user": request.user})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(retour)
        messages.success(request, f"« {obj} » supprimé.")
        return redirect(self.after_delete_url(obj, retour))

    def after_delete_url(self, obj, retour):
        return retour
