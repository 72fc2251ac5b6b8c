"""The administration (/administration/): Django's admin over the reference data, for support staff.

- Only the application's administrators (role « Administrateur », `core.perms`) get in, whatever their `is_staff`
  flag: another logged-in role gets 403, an anonymous visitor the application's login page (one login page,
  throttled by axes).
- Every page shows the object's history (django-simple-history); the historical versions are read-only.
- Writes go through the apps' services (`save_model` of each admin calls its service, which records the author
  and runs the side effects, e.g. a threshold recomputes the contracts' compliance). Nothing is deleted here:
  reference data is archived or protected, and a deletion would skip the services.
- simple-history is the one audit trail: the admin's own LogEntry rows are not written.

Each app registers its models on `site` in its `admin.py`, with a subclass of `ReferentielAdmin`.
"""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .enums import Role
from .history import phrases_par_version
from .perms import has_role

REFUS = "L'administration est réservée aux administrateurs de l'application."


class MotDePasseForm(PasswordChangeForm):
    """The administrator's own password: written by `user_enregistrer`, like every write on a user."""

    def save(self, commit=True):
        return services.user_enregistrer(target=self.user, user=self.user, password=self.cleaned_data["new_password1"])


class AdministrationSite(admin.AdminSite):
    site_header = "Administration des données de référence"
    site_title = "Administration"
    index_title = "Données de référence"
    site_url = "/"
    index_template = "admin/accueil.html"
    final_catch_all_view = False  # an unknown URL is a plain 404 (and every URL pattern has a name)
    password_change_form = MotDePasseForm

    def has_permission(self, request):
        return has_role(request.user, Role.ADMIN)

    def admin_view(self, view, cacheable=False):
        """A logged-in user of another role is refused (403), not sent to a login form he cannot use."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied(REFUS)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if hasattr(callback, "login_url"):  # LoginRequiredMiddleware: the application's login page
                callback.login_url = settings.LOGIN_URL
        return urls

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """One login page for the whole application (French, throttled): the admin's own is not used."""
        suite = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(suite, settings.LOGIN_URL)


site = AdministrationSite(name="admin")


class ReferentielAdmin(SimpleHistoryAdmin):
    """Base of every page of the administration: administrators read, add and change; no deletion; history
    read-only; each subclass writes through its app's service in `save_model`."""

    actions = None
    list_per_page = 50
    history_list_per_page = 50
    object_history_list_template = "admin/historique_liste.html"

    # --- Permissions: the role, not Django's per-model permissions ------------------------------------------

    def _admin(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._admin(request)

    def has_view_permission(self, request, obj=None):
        return self._admin(request)

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    # --- Writes ---------------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        raise NotImplementedError(f"{type(self).__name__}.save_model doit appeler le service de son application.")

    def save_related(self, request, form, formsets, change):
        """The service has written everything (many-to-many fields included): nothing left to save."""

    def log_addition(self, request, obj, message):
        """simple-history is the audit trail (who, when, what): no LogEntry."""

    def log_change(self, request, obj, message):
        """simple-history is the audit trail (who, when, what): no LogEntry."""

    def log_deletions(self, request, queryset):
        """simple-history is the audit trail (who, when, what): no LogEntry."""

    # --- History --------------------------------------------------------------------------------------------

    def _id_ou_404(self, object_id):
        try:
            return self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404("Identifiant invalide.") from None

    def history_view(self, request, object_id, extra_context=None):
        self._id_ou_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each change of the history page as a sentence (core.history), not « champ : True → — »."""
        records = list(historical_records)
        for record, phrases in zip(records, phrases_par_version(self.model, records), strict=False):
            record.history_delta_changes = phrases

    def history_view_title(self, request, obj):
        return f"Historique : {obj}"

    def history_form_view_title(self, request, obj):
        return f"Version passée : {obj}"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version, read-only: reverting would write outside the service."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._id_ou_404(object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        version = path(
            "<path:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_form_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_simple_history",
        )
        # Django's patterns less the unnamed "<id>/" redirect kept for Django < 1.9: every URL of the project
        # has a name and a row in the permission matrix.
        return [version, *(pattern for pattern in admin.ModelAdmin.get_urls(self) if pattern.name)]
