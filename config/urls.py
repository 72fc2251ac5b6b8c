from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from core.admin_site import site as administration
from core.views import health

urlpatterns = [
    path("connexion/", login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("sante/", health, name="health"),
    path("marches/", include("marches.urls")),
    path("clauses/", include("clauses.urls")),
    path("insertion/", include("facilitateurs.urls")),
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
