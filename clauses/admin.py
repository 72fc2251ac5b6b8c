"""Purchase families in the administration (core.admin_site): the application's form (CPV prefixes, rates in %),
saved by `famille_enregistrer`. Archiving stays on the family's page of the application (its own service)."""

from django.contrib import admin

from core.admin_site import ReferentielAdmin, site

from . import services
from .forms import FamilleForm
from .models import FamilleAchat


@admin.register(FamilleAchat, site=site)
class FamilleAchatAdmin(ReferentielAdmin):
    form = FamilleForm
    fields = ("nom", "description", "prefixes", "part_pct", "taux_pct", "cout_horaire", "reservation_conseillee",
              "is_active")
    readonly_fields = ("is_active",)
    list_display = ("nom", "liste_prefixes", "cout_horaire", "reservation_conseillee", "is_active")
    list_filter = ("is_active", "reservation_conseillee")
    search_fields = ("nom", "description")

    @admin.display(description="préfixes CPV")
    def liste_prefixes(self, famille):
        return ", ".join(famille.prefixes_cpv or [])

    def save_model(self, request, obj, form, change):
        services.famille_enregistrer(famille=obj, user=request.user)
