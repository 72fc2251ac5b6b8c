from django.urls import path

from .views import actions, conventions, heures, imports, participants, suivi

app_name = "facilitateurs"

urlpatterns = [
    path("", suivi.home, name="home"),
    path("conventions/", conventions.convention_list, name="conventions"),
    path("conventions/nouvelle/", conventions.convention_form, name="convention_create"),
    path("conventions/<int:pk>/", conventions.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", conventions.convention_form, name="convention_update"),
    path("participants/", participants.participant_list, name="participants"),
    path("participants/nouveau/", participants.participant_form, name="participant_create"),
    path("participants/<int:pk>/", participants.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/modifier/", participants.participant_form, name="participant_update"),
    path("participants/<int:pk>/eligibilite/", participants.eligibilite_create, name="eligibilite_create"),
    path("participants/<int:pk>/mise-en-emploi/", participants.mise_en_emploi_create, name="mise_en_emploi_create"),
    path("participants/<int:pk>/sortie/", participants.sortie_create, name="sortie_create"),
    path("participants/<int:pk>/export/", participants.participant_export, name="participant_export"),
    path("mises-en-emploi/<int:pk>/modifier/", participants.mise_en_emploi_update, name="mise_en_emploi_update"),
    path("sorties/<int:pk>/modifier/", participants.sortie_update, name="sortie_update"),
    path("marches/<int:pk>/", suivi.suivi_marche, name="suivi_marche"),
    path("marches/<int:pk>/grille/", heures.grille, name="grille"),
    path("actions/", actions.action_list, name="actions"),
    path("actions/<int:pk>/faite/", actions.action_faite, name="action_faite"),
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/modele-<str:type>.<str:format>", imports.import_modele, name="import_modele"),
    path("imports/<str:token>/", imports.import_preview, name="import_preview"),
]
