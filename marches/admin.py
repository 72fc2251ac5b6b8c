"""EU thresholds in the administration (core.admin_site): saved by `seuil_enregistrer`, which recomputes the contracts'
compliance."""

from django.contrib import admin

from core.admin_site import ReferentielAdmin, site

from . import services
from .forms import SeuilForm
from .models import SeuilEuropeen


@admin.register(SeuilEuropeen, site=site)
class SeuilEuropeenAdmin(ReferentielAdmin):
    form = SeuilForm
    fields = ("type_seuil", "date_debut", "date_fin", "montant_ht")
    list_display = ("type_seuil", "date_debut", "date_fin", "montant_ht")
    list_filter = ("type_seuil",)

    def save_model(self, request, obj, form, change):
        services.seuil_enregistrer(seuil=obj, user=request.user)
