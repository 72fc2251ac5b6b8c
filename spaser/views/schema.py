"""The scheme itself: the overview of the scheme in force, one scheme's page, its drafting (create, update,
delete), its adoption, its entry into force and a new version drafted from it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.history import history_for
from core.mixins import RoleRequiredMixin, role_required
from core.models import Organisation
from core.perms import can_see_history

from .. import selectors, services
from ..enums import StatutEvaluation, StatutSpaser
from ..forms import AdoptionForm, SpaserForm
from ..models import Spaser
from ..perms import check_read_spaser, is_partenaire
from .base import SCHEME_ROLES, WRITE_ROLES, DeleteView, EditView, add_validation_error, can_edit

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
            context["versions"] = selectors.spaser_versions_de(instance) if instance else []
        else:
            spaser = selectors.spaser_en_vigueur()
            context["versions"] = selectors.spaser_list()
        context["spaser"] = spaser
        context["partenaire"] = partenaire
        context["can_edit"] = can_edit(user)
        aujourd_hui = timezone.localdate()
        moteur = selectors.Moteur()  # stored figures (bilans.figures): nothing computed in the request
        if spaser is not None:
            acheteurs = list(spaser.acheteurs.all())
            acheteur = instance if instance in acheteurs else (acheteurs[0] if acheteurs else None)
            annee = selectors.annee_par_defaut(spaser)
            if acheteur is not None:
                context["evaluation"] = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee,
                                                                    tendance=False, moteur=moteur)
            context["prochaine_publication"] = selectors.prochaine_publication(spaser=spaser,
                                                                               aujourd_hui=aujourd_hui)
            context["nb_actions"] = selectors.actions_compteurs(spaser=spaser, aujourd_hui=aujourd_hui)
        if partenaire or spaser is None:
            acheteurs = [instance] if instance else []
        context["obligations"] = [
            selectors.obligation(acheteur=org, annee=an, moteur=moteur)
            for org in acheteurs for an in (aujourd_hui.year - 2, aujourd_hui.year - 1)
        ]
        context["etat"] = moteur.etat
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


# --- Drafting, adoption, entry into force ----------------------------------------------------------


class SpaserCreateView(EditView):
    model = Spaser
    form_class = SpaserForm
    service = "spaser_enregistrer"
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
            services.spaser_enregistrer(spaser=spaser, acheteurs=form.cleaned_data["acheteurs"], user=self.request.user)
        except ValidationError as error:
            add_validation_error(form, error)
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
    service = "spaser_supprimer"
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
            add_validation_error(form, error)
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
    copie = services.spaser_version_creer(spaser=spaser, user=request.user)
    messages.success(request, f"Nouvelle version en brouillon : « {copie} ».")
    return redirect("spaser:detail", pk=copie.pk)
