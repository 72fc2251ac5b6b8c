"""Conventions in the administration (core.admin_site): the application's form (contracts of the partner only),
saved with their contracts and facilitators by `convention_enregistrer`."""

from django.contrib import admin

from core.admin_site import ReferentielAdmin, site

from . import services
from .forms import ConventionForm
from .models import Convention


@admin.register(Convention, site=site)
class ConventionAdmin(ReferentielAdmin):
    form = ConventionForm
    fields = ("partenaire", "intitule", "facilitateurs", "date_debut", "date_fin", "statut", "marches",
              "fse_reference", "fse_montant", "globalisation")
    list_display = ("intitule", "partenaire", "statut", "date_debut", "date_fin")
    list_filter = ("statut",)
    list_select_related = ("partenaire",)
    search_fields = ("intitule", "partenaire__nom", "fse_reference")

    def save_model(self, request, obj, form, change):
        services.convention_enregistrer(convention=obj, user=request.user, marches=form.cleaned_data["marches"],
                                 facilitateurs=form.cleaned_data["facilitateurs"])
