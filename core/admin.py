"""Organisations, directions and users in the administration (core.admin_site): writes through core.services."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets

from . import services
from .admin_site import ReferentielAdmin, site
from .forms import OrganisationForm, UserForm
from .models import Direction, Organisation, User


@admin.register(Organisation, site=site)
class OrganisationAdmin(ReferentielAdmin):
    form = OrganisationForm
    fields = ("siret", "nom", "code_postal", "departement", "type", "created_at")
    readonly_fields = ("departement", "created_at")
    list_display = ("nom", "siret", "type", "code_postal", "departement")
    list_filter = ("type",)
    search_fields = ("nom", "siret", "code_postal")

    def save_model(self, request, obj, form, change):
        services.organisation_enregistrer(organisation=obj, user=request.user)


@admin.register(Direction, site=site)
class DirectionAdmin(ReferentielAdmin):
    fields = ("organisation", "nom", "sigle")
    autocomplete_fields = ("organisation",)
    list_display = ("nom", "sigle", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("nom", "sigle", "organisation__nom")

    def save_model(self, request, obj, form, change):
        services.direction_enregistrer(direction=obj, user=request.user)


@admin.register(User, site=site)
class UserAdmin(ReferentielAdmin):
    """The application's user form (role ↔ organisation ↔ direction rules, password validators)."""

    form = UserForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "email")}),
        ("Rôle et rattachement", {"fields": ("role", "organisation", "direction", "is_active")}),
        ("Connexions", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    autocomplete_fields = ("organisation",)
    list_display = ("username", "first_name", "last_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "organisation__nom")
    ordering = ("username",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # "password" is the form's own field (empty: unchanged), never written as the model's hash.
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != "password"]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        services.user_enregistrer(target=obj, user=request.user, password=form.cleaned_data.get("password") or None)
