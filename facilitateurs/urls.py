from django.urls import path

from . import views

app_name = "facilitateurs"

urlpatterns = [
    path("", views.home, name="home"),
    path("conventions/", views.convention_list, name="conventions"),
    path("conventions/nouvelle/", views.convention_form, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.convention_form, name="convention_update"),
    path("participants/", views.participant_list, name="participants"),
    path("participants/nouveau/", views.participant_form, name="participant_create"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/modifier/", views.participant_form, name="participant_update"),
    path("participants/<int:pk>/eligibilite/", views.eligibilite_create, name="eligibilite_create"),
    path("participants/<int:pk>/mise-en-emploi/", views.mise_en_emploi_create, name="mise_en_emploi_create"),
    path("participants/<int:pk>/sortie/", views.sortie_create, name="sortie_create"),
    path("participants/<int:pk>/export/", views.participant_export, name="participant_export"),
    path("mises-en-emploi/<int:pk>/modifier/", views.mise_en_emploi_update, name="mise_en_emploi_update"),
    path("sorties/<int:pk>/modifier/", views.sortie_update, name="sortie_update"),
    path("marches/<int:pk>/", views.suivi_marche, name="suivi_marche"),
    path("marches/<int:pk>/grille/", views.grille, name="grille"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/faite/", views.action_faite, name="action_faite"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<str:token>/", views.import_preview, name="import_preview"),
]
