from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from core.admin_site import site as administration
from core.views import health

urlpatterns = [
    path("connexion/", login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail and change (Django's views, templates/registration/).
    path("mot-de-passe/oublie/", login_not_required(auth_views.PasswordResetView.as_view(extra_email_context={
        "instance_name": settings.SPASER["INSTANCE_NAME"], "delai_jours": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    })), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", login_not_required(auth_views.PasswordResetDoneView.as_view(extra_context={
        "delai_jours": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    })), name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", login_not_required(auth_views.PasswordResetConfirmView.as_view()),
         name="password_reset_confirm"),
    path("mot-de-passe/nouveau/fait/", login_not_required(auth_views.PasswordResetCompleteView.as_view()),
         name="password_reset_complete"),
    path("mot-de-passe/changer/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/changer/fait/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("sante/", health, name="health"),
    path("marches/", include("marches.urls")),
    path("clauses/", include("clauses.urls")),
    path("insertion/", include("facilitateurs.urls")),
    path("fse/", include("fse.urls")),
    path("examens/", include("examens.urls")),
    path("bilans/", include("bilans.urls")),
    path("declarations/", include("declarations.urls")),
    path("notifications/", include("relances.urls")),
    path("spaser/", include("spaser.urls")),
    path("administration/", administration.urls),
    path("", include("core.urls")),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
