from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.edit import FormView

from bilans import figures as bilans_figures
from bilans import selectors as bilans_selectors
from bilans.definitions import chiffres_cles
from marches import selectors as marches_selectors
from spaser import selectors as spaser_selectors

from . import services
from .accessibilite import AUDIT_ACCESSIBILITE
from .enums import Role
from .forms import DirectionForm, OrganisationForm, UserForm
from .history import history_for
from .jobs import job_enqueue
from .mixins import RoleRequiredMixin, role_required
from .models import Organisation, Tache, User
from .perms import ALL_ROLES, can_see_history, can_see_tache

HOME_TEMPLATES = {role: f"core/home_{role}.html" for role in Role.values}


class HomeView(RoleRequiredMixin, TemplateView):
    """Each role lands on its own page (a company's contact too: its contracts, templates/core/home_entreprise.html)."""

    roles = (*ALL_ROLES, Role.ENTREPRISE)

    def get_template_names(self):
        return ["core/home.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role_template"] = HOME_TEMPLATES[user.role]
        if user.role == Role.ACHETEUR:
            context["a_faire"] = marches_selectors.acheteur_a_faire(user=user)
            context["programmation"] = spaser_selectors.programmation_a_venir(user=user)
        elif user.role == Role.ELU:
            context.update(bilans_selectors.bilan_a_venir(user=user))
            if context["bilan_dernier"] is None:
                # The year's stored figures (bilans.figures: the dashboard's, never computed in the request; queued
                # for computation when missing or older than the data), with their date when not current.
                organisation = user.organisation or Organisation.objects.instance()
                annee = timezone.localdate().year
                data, etat = (bilans_figures.indicateurs_servis(acheteur=organisation, annee=annee)
                              if organisation else (None, None))
                if data is not None:
                    context["chiffres_annee"] = {"annee": annee, "chiffres": chiffres_cles(data)[:8],
                                                 "calcule_le": None if etat.a_jour else etat.calcule_le}
        return context


@login_not_required
def health(request):
    """Liveness for load balancers and compose: answers 200 only when the database answers
    (otherwise DatabaseUnavailableMiddleware turns the error into a 503 page)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class OrganisationListView(RoleRequiredMixin, ListView):
    roles = (Role.ADMIN, Role.DCP)
    template_name = "core/organisation_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Organisation.objects.annotate(nb_directions=Count("directions")).order_by("type", "nom")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(nom__icontains=q) | Q(siret__startswith=q) | Q(code_postal__startswith=q))
        return qs


class OrganisationDetailView(RoleRequiredMixin, DetailView):
    roles = (Role.ADMIN, Role.DCP)
    model = Organisation
    template_name = "core/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directions"] = self.object.directions.all()
        context["direction_form"] = DirectionForm()
        context["can_edit"] = self.request.user.role == Role.ADMIN
        if can_see_history(self.request.user):
            context["historique"] = history_for(self.object)
        return context


class OrganisationFormView(RoleRequiredMixin, FormView):
    roles = (Role.ADMIN,)
    template_name = "core/form.html"
    form_class = OrganisationForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Organisation, pk=pk) if pk else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context["titre"] = f"Modifier {obj}" if obj else "Nouvelle organisation"
        return context

    def form_valid(self, form):
        organisation = services.organisation_enregistrer(organisation=form.save(commit=False), user=self.request.user)
        messages.success(self.request, f"Organisation « {organisation} » enregistrée.")
        return redirect("core:organisation_detail", pk=organisation.pk)


class DirectionCreateView(RoleRequiredMixin, FormView):
    roles = (Role.ADMIN,)
    form_class = DirectionForm
    template_name = "core/form.html"

    def form_valid(self, form):
        organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        direction = form.save(commit=False)
        direction.organisation = organisation
        services.direction_enregistrer(direction=direction, user=self.request.user)
        messages.success(self.request, f"Direction « {direction.nom} » ajoutée.")
        return redirect("core:organisation_detail", pk=organisation.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titre"] = "Nouvelle direction"
        return context


class UserListView(RoleRequiredMixin, ListView):
    roles = (Role.ADMIN,)
    template_name = "core/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = User.objects.select_related("organisation", "direction").order_by("username")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(
                Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(email__icontains=q)
            )
        role = self.request.GET.get("role", "")
        if role in Role.values:
            qs = qs.filter(role=role)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = Role.choices
        return context


class UserFormView(RoleRequiredMixin, FormView):
    roles = (Role.ADMIN,)
    template_name = "core/form.html"
    form_class = UserForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(User, pk=pk) if pk else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context["titre"] = f"Modifier l'utilisateur {obj.username}" if obj else "Nouvel utilisateur"
        if obj is not None:
            context["historique"] = history_for(obj)
        return context

    def form_valid(self, form):
        target = services.user_enregistrer(
            target=form.save(commit=False), user=self.request.user, password=form.cleaned_data.get("password")
        )
        messages.success(self.request, f"Utilisateur « {target.username} » enregistré.")
        return redirect("core:users")


@method_decorator(login_not_required, name="dispatch")
class LockoutView(TemplateView):
    template_name = "registration/lockout.html"


class TacheListView(RoleRequiredMixin, ListView):
    """Background jobs: each user sees their own; administrators see all."""

    roles = ALL_ROLES
    template_name = "core/tache_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Tache.objects.select_related("demandee_par")
        if self.request.user.role != Role.ADMIN:
            qs = qs.filter(demandee_par=self.request.user)
        return qs


def _tache_visible(request, pk):
    tache = get_object_or_404(Tache, pk=pk)
    if not can_see_tache(request.user, tache):
        raise Http404
    return tache


@role_required(*ALL_ROLES)
def tache_detail(request, pk):
    """The state of one job, as JSON for pages that poll it."""
    tache = _tache_visible(request, pk)
    return JsonResponse({
        "id": tache.pk, "type": tache.type, "etat": tache.etat, "etat_libelle": tache.get_etat_display(),
        "message": tache.message, "resultat": tache.resultat, "fichier": bool(tache.fichier),
        "semble_bloquee": tache.semble_bloquee,
    })


@role_required(Role.ADMIN)
@require_POST
def verifier_worker(request):
    job_enqueue(type="verification_worker", user=request.user)
    messages.info(request, "Tâche de vérification envoyée au worker : son état s'affiche ci-dessous.")
    return redirect("core:taches")


# --- Legal pages (public, no login): RGAA accessibility statement, legal notice, site map -----------------


@method_decorator(login_not_required, name="dispatch")
class PageLegaleView(TemplateView):
    """A public legal page (its template given in core/urls.py), with the audit behind the accessibility statement
    and the address to report a defect."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(audit=AUDIT_ACCESSIBILITE, contact=settings.ACCESSIBILITE_CONTACT, **kwargs)
