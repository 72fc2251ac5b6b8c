from django.urls import path

from . import views

app_name = "marches"

urlpatterns = [
    path("", views.MarcheListView.as_view(), name="list"),
    path("export/", views.marche_export, name="export"),
    path("nouveau/", views.marche_create, name="create"),
    path("<int:pk>/", views.marche_detail, name="detail"),
    path("<int:pk>/modifier/", views.marche_update, name="update"),
    path("<int:pk>/lots/ajouter/", views.lot_create, name="lot_create"),
    path("lots/<int:pk>/supprimer/", views.lot_delete, name="lot_delete"),
    path("<int:pk>/entreprises/ajouter/", views.attribution_create, name="attribution_create"),
    path("attributions/<int:pk>/supprimer/", views.attribution_delete, name="attribution_delete"),
    path("<int:pk>/avenants/ajouter/", views.modification_create, name="modification_create"),
    path("avenants/<int:pk>/supprimer/", views.modification_delete, name="modification_delete"),
    path("entreprises/", views.EntrepriseListView.as_view(), name="entreprise_list"),
    path("entreprises/nouvelle/", views.entreprise_create, name="entreprise_create"),
    path("entreprises/<int:pk>/", views.entreprise_detail, name="entreprise_detail"),
    path("entreprises/<int:pk>/modifier/", views.entreprise_update, name="entreprise_update"),
    path("seuils/", views.seuil_list, name="seuils"),
    path("seuils/nouveau/", views.seuil_form, name="seuil_create"),
    path("seuils/<int:pk>/modifier/", views.seuil_form, name="seuil_update"),
    path("decp.json", views.export_decp, name="export_decp"),
    path("imports/", views.import_list, name="imports"),
    path("imports/registre/", views.import_registre, name="import_registre"),
    path("imports/registre/modele.csv", views.registre_modele, name="registre_modele"),
    path("imports/decp/", views.import_decp, name="import_decp"),
]
