"""Internal pages of the SPASER: the DCP (and administrators) write it; élus, buyers and facilitators read it.
A partner user sees only the schemes that cover its organisation (a joint scheme) and, in them, only its own
indicators; the forecast and every write are forbidden to partners (403)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.enums import Role
from core.history import history_for
from core.mixins import RoleRequiredMixin, role_required
from core.models import Organisation
from core.perms import can_see_history

from . import selectors, services
from .enums import StatutEvaluation, StatutSpaser
from .evaluation import SEUIL_BONNE_VOIE
from .exports import evaluation_xlsx, programmation_csv, programmation_xlsx
from .forms import (
    ActionForm,
    AdoptionForm,
    AxeForm,
    DocumentForm,
    IndicateurForm,
    ObjectifForm,
    ProgrammationForm,
    SpaserForm,
    ValeursIndicateurForm,
)
from .models import Action, Axe, DocumentStrategique, Indicateur, Objectif, Programmation, Spaser
from .perms import check_read_spaser, is_partenaire

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


def _add_validation_error(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for item in error.messages:
            form.add_error(None, item)


def annee_par_defaut(spaser: Spaser | None) -> int:
    """The last complete year, kept inside the scheme's period."""
    annee = timezone.localdate().year - 1
    if spaser is not None:
        annee = min(max(annee, spaser.annee_debut), spaser.annee_fin)
    return annee


def _int(value, default=None):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


# --- Overview ----------------------------------------------------------------------------------------


class IndexView(RoleRequiredMixin, TemplateView):
    roles = SCHEME_ROLES
    template_name = "spaser/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        partenaire = is_partenaire(user)
        instance = user.organisation if partenaire else Organisation.objects.instance()
        if partenaire:
            spaser = selectors.spaser_en_vigueur(acheteur=instance, strict=True) if instance else None
            context["versions"] = selectors.spaser_list().filter(acheteurs=instance) if instance else []
        else:
            spaser = selectors.spaser_en_vigueur()
            context["versions"] = selectors.spaser_list()
        context["spaser"] = spaser
        context["partenaire"] = partenaire
        context["can_edit"] = can_edit(user)
        aujourd_hui = timezone.localdate()
        if spaser is not None:
            acheteurs = list(spaser.acheteurs.all())
            acheteur = instance if instance in acheteurs else (acheteurs[0] if acheteurs else None)
            annee = annee_par_defaut(spaser)
            if acheteur is not None:
                context["evaluation"] = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee,
                                                                    tendance=False)
            context["prochaine_publication"] = selectors.prochaine_publication(spaser=spaser,
                                                                               aujourd_hui=aujourd_hui)
            context["nb_actions"] = {
                "total": spaser.actions.count(),
                "realisees": spaser.actions.filter(statut="realisee").count(),
                "en_retard": spaser.actions.filter(echeance__lt=aujourd_hui).exclude(
                    statut__in=["realisee", "abandonnee"]).count(),
            }
        if partenaire or spaser is None:
            acheteurs = [instance] if instance else []
        context["obligations"] = [
            selectors.obligation(acheteur=org, annee=an)
            for org in acheteurs for an in (aujourd_hui.year - 2, aujourd_hui.year - 1)
        ]
        context["statuts"] = StatutEvaluation
        context["seuil"] = selectors.SEUIL_OBLIGATION
        return context


class SpaserDetailView(RoleRequiredMixin, TemplateView):
    roles = SCHEME_ROLES
    template_name = "spaser/spaser_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        spaser = get_object_or_404(Spaser.objects.select_related("precedent"), pk=self.kwargs["pk"])
        check_read_spaser(self.request.user, spaser)
        context.update(selectors.spaser_structure(spaser=spaser))
        context["spaser"] = spaser
        context["can_edit"] = can_edit(self.request.user) and spaser.est_modifiable
        context["can_manage"] = can_edit(self.request.user)
        context["prochaine_publication"] = selectors.prochaine_publication(spaser=spaser)
        context["statut"] = StatutSpaser
        if can_see_history(self.request.user):
            context["historique"] = history_for(spaser)
        return context


# --- Generic create / update / delete --------------------------------------------------------------------


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
            _add_validation_error(form, error)
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


# The scheme


class SpaserCreateView(EditView):
    model = Spaser
    form_class = SpaserForm
    service = "spaser_save"
    entity = "spaser"
    nouveau = "Nouveau SPASER (brouillon)"

    def get_spaser(self):
        return self.object

    def get_success_url(self):
        return reverse("spaser:detail", args=[self.object.pk]) if self.object else reverse("spaser:index")

    def get_initial(self):
        instance = Organisation.objects.instance()
        annee = timezone.localdate().year
        return {"acheteurs": [instance] if instance else [], "annee_debut": annee, "annee_fin": annee + 4}

    def form_valid(self, form):
        spaser = form.save(commit=False)
        try:
            services.spaser_save(spaser=spaser, acheteurs=form.cleaned_data["acheteurs"], user=self.request.user)
        except ValidationError as error:
            _add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"« {spaser} » enregistré.")
        return redirect("spaser:detail", pk=spaser.pk)


class SpaserUpdateView(SpaserCreateView):
    def get_initial(self):
        return {}

    def form_valid(self, form):
        if not self.object.est_modifiable:
            form.add_error(None, "Ce schéma a été remplacé : il n'est plus modifiable.")
            return self.form_invalid(form)
        return super().form_valid(form)


class SpaserDeleteView(DeleteView):
    model = Spaser
    service = "spaser_delete"
    entity = "spaser"
    consequences = "Ses axes, objectifs, indicateurs, cibles, actions et documents seront supprimés avec lui."

    def after_delete_url(self, obj, retour):
        return reverse("spaser:index")


@role_required(*WRITE_ROLES)
def spaser_adopter(request, pk):
    spaser = get_object_or_404(Spaser, pk=pk)
    form = AdoptionForm(request.POST or None, initial={"date_adoption": spaser.date_adoption,
                                                       "reference_deliberation": spaser.reference_deliberation})
    if request.method == "POST" and form.is_valid():
        try:
            services.spaser_adopter(spaser=spaser, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_validation_error(form, error)
        else:
            messages.success(request, f"« {spaser} » est adopté.")
            return redirect("spaser:detail", pk=spaser.pk)
    return render(request, "spaser/form.html", {"form": form, "titre": f"Adoption de « {spaser} »",
                                                "spaser": spaser, "retour": reverse("spaser:detail", args=[pk])})


@role_required(*WRITE_ROLES)
@require_POST
def spaser_mettre_en_vigueur(request, pk):
    spaser = get_object_or_404(Spaser, pk=pk)
    try:
        services.spaser_mettre_en_vigueur(spaser=spaser, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"« {spaser} » est en vigueur ; la version précédente est remplacée.")
    return redirect("spaser:detail", pk=spaser.pk)


@role_required(*WRITE_ROLES)
@require_POST
def spaser_nouvelle_version(request, pk):
    spaser = get_object_or_404(Spaser, pk=pk)
    copie = services.spaser_nouvelle_version(spaser=spaser, user=request.user)
    messages.success(request, f"Nouvelle version en brouillon : « {copie} ».")
    return redirect("spaser:detail", pk=copie.pk)


# Axes, objectives, indicators, actions, documents


class AxeCreateView(EditView):
    model, parent_model, parent_field = Axe, Spaser, "spaser"
    form_class, service, entity, nouveau = AxeForm, "axe_save", "axe", "Nouvel axe"


class AxeUpdateView(AxeCreateView):
    pass


class AxeDeleteView(DeleteView):
    model, service, entity = Axe, "axe_delete", "axe"
    consequences = "Ses objectifs et leurs indicateurs (cibles et valeurs saisies) seront supprimés avec lui."


class ObjectifCreateView(EditView):
    model, parent_model, parent_field = Objectif, Axe, "axe"
    form_class, service, entity, nouveau = ObjectifForm, "objectif_save", "objectif", "Nouvel objectif"


class ObjectifUpdateView(ObjectifCreateView):
    pass


class ObjectifDeleteView(DeleteView):
    model, service, entity = Objectif, "objectif_delete", "objectif"
    consequences = "Ses indicateurs (cibles et valeurs saisies) seront supprimés avec lui ; ses actions restent."


class IndicateurCreateView(EditView):
    model, parent_model, parent_field = Indicateur, Objectif, "objectif"
    form_class, service, entity, nouveau = IndicateurForm, "indicateur_save", "indicateur", "Nouvel indicateur"

    def success_url_for(self, obj):
        return reverse("spaser:indicateur_valeurs", args=[obj.pk])


class IndicateurUpdateView(IndicateurCreateView):
    pass


class IndicateurDeleteView(DeleteView):
    model, service, entity = Indicateur, "indicateur_delete", "indicateur"
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
            services.indicateur_valeurs_save(indicateur=self.indicateur, cibles=form.cibles(),
                                             valeurs=form.valeurs(), user=self.request.user)
        except ValidationError as error:
            _add_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Cibles de « {self.indicateur} » enregistrées.")
        return redirect("spaser:detail", pk=self.spaser.pk)


class ActionCreateView(EditView):
    model, parent_model, parent_field = Action, Spaser, "spaser"
    form_class, service, entity, nouveau = ActionForm, "action_save", "action", "Nouvelle action"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["spaser"] = self.get_spaser()
        return kwargs


class ActionUpdateView(ActionCreateView):
    pass


class ActionDeleteView(DeleteView):
    model, service, entity = Action, "action_delete", "action"


class DocumentCreateView(EditView):
    model, parent_model, parent_field = DocumentStrategique, Spaser, "spaser"
    form_class, service, entity, nouveau = DocumentForm, "document_save", "document", "Nouveau document stratégique"


class DocumentUpdateView(DocumentCreateView):
    pass


class DocumentDeleteView(DeleteView):
    model, service, entity = DocumentStrategique, "document_delete", "document"


# --- Forecast of upcoming purchases (internal) --------------------------------------------------------


class ProgrammationListView(RoleRequiredMixin, TemplateView):
    roles = READ_ROLES
    template_name = "spaser/programmation_list.html"

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from clauses.models import FamilleAchat

        context = super().get_context_data(**kwargs)
        base = selectors.programmation_interne()
        queryset, filtres = selectors.programmation_filtrer(base, self.request.GET)
        publie = self.request.GET.get("publie", "")
        if publie in ("oui", "non"):
            queryset = queryset.filter(published=publie == "oui")
        page = Paginator(queryset, 50).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, object_list=page.object_list, is_paginated=page.has_other_pages(),
                       filtres=filtres, familles=FamilleAchat.objects.order_by("nom"),
                       trimestres=selectors.trimestres_proposes(base), can_edit=can_edit(self.request.user))
        return context


class ProgrammationCreateView(EditView):
    model = Programmation
    form_class, service, entity, nouveau = ProgrammationForm, "programmation_save", "programmation", \
        "Nouvel achat programmé"

    def get_spaser(self):
        return None

    def get_success_url(self):
        return reverse("spaser:programmation_list")


class ProgrammationUpdateView(ProgrammationCreateView):
    pass


class ProgrammationDeleteView(DeleteView):
    model, service, entity = Programmation, "programmation_delete", "programmation"

    def get_retour(self, obj):
        return reverse("spaser:programmation_list")


@role_required(*READ_ROLES)
def programmation_export(request, format):
    """The internal forecast (published or not) with the same filters as the list."""
    if format not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu.")
    queryset, _ = selectors.programmation_filtrer(selectors.programmation_interne(), request.GET)
    if format == "xlsx":
        return programmation_xlsx(queryset, interne=True)
    return programmation_csv(queryset, interne=True)


# --- Evaluation -----------------------------------------------------------------------------------


def _evaluation_params(request, spaser):
    check_read_spaser(request.user, spaser)
    acheteurs = list(spaser.acheteurs.all())
    if is_partenaire(request.user):
        acheteurs = [a for a in acheteurs if a.pk == request.user.organisation_id]
    instance = Organisation.objects.instance()
    defaut = instance if instance in acheteurs else (acheteurs[0] if acheteurs else None)
    choix = _int(request.GET.get("acheteur"))
    acheteur = next((a for a in acheteurs if a.pk == choix), defaut)
    annee = _int(request.GET.get("annee"), annee_par_defaut(spaser))
    annee = min(max(annee, spaser.annee_debut), spaser.annee_fin)
    return acheteurs, acheteur, annee


class EvaluationView(RoleRequiredMixin, TemplateView):
    roles = SCHEME_ROLES
    template_name = "spaser/evaluation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        spaser = get_object_or_404(Spaser, pk=self.kwargs["pk"])
        acheteurs, acheteur, annee = _evaluation_params(self.request, spaser)
        context.update(spaser=spaser, acheteurs=acheteurs, acheteur=acheteur, annee=annee, statuts=StatutEvaluation)
        if acheteur is None:
            return context
        evaluation = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee)
        context["evaluation"] = evaluation
        context["obligation"] = selectors.obligation(acheteur=acheteur, annee=annee)
        context["prochaine_publication"] = selectors.prochaine_publication(spaser=spaser)
        context["seuil_bonne_voie"] = SEUIL_BONNE_VOIE
        charts = []
        for ligne in evaluation["lignes"]:
            charts.append({
                "id": f"chart-{ligne['indicateur'].pk}",
                "libelle": ligne["indicateur"].libelle,
                "unite": ligne["indicateur"].unite,
                "annees": [p["annee"] for p in ligne["serie"]],
                "reel": [_float(p["reel"]) for p in ligne["serie"]],
                "cible": [_float(p["cible"]) for p in ligne["serie"]],
            })
        context["charts"] = charts
        return context


def _float(value):
    return None if value is None else float(value)


@role_required(*SCHEME_ROLES)
def evaluation_export(request, pk):
    spaser = get_object_or_404(Spaser, pk=pk)
    _, acheteur, annee = _evaluation_params(request, spaser)
    if acheteur is None:
        return HttpResponse("Ce schéma ne couvre aucun acheteur.", status=404, content_type="text/plain")
    evaluation = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee)
    contenu = evaluation_xlsx(evaluation)
    response = HttpResponse(contenu, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="spaser-evaluation-{acheteur.siret}-{annee}.xlsx"'
    return response
