from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/nouvelle/", views.OrganisationFormView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/modifier/", views.OrganisationFormView.as_view(), name="organisation_update"),
    path("organisations/<int:pk>/directions/", views.DirectionCreateView.as_view(), name="direction_create"),
    path("utilisateurs/", views.UserListView.as_view(), name="users"),
    path("utilisateurs/nouveau/", views.UserFormView.as_view(), name="user_create"),
    path("utilisateurs/<int:pk>/modifier/", views.UserFormView.as_view(), name="user_update"),
    path("taches/", views.TacheListView.as_view(), name="taches"),
    path("taches/<int:pk>/", views.tache_detail, name="tache_detail"),
    path("taches/verifier-worker/", views.verifier_worker, name="verifier_worker"),
    path("accessibilite/", views.PageLegaleView.as_view(template_name="core/accessibilite.html"), name="accessibilite"),
    path("mentions-legales/", views.PageLegaleView.as_view(template_name="core/mentions_legales.html"), name="mentions_legales"),
    path("plan-du-site/", views.PageLegaleView.as_view(template_name="core/plan_du_site.html"), name="plan_du_site"),
]
