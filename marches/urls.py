from django.urls import path

from .views import entreprises, imports, marches, seuils

app_name = "marches"

urlpatterns = [
    path("", marches.MarcheListView.as_view(), name="list"),
    path("export/", marches.marche_export, name="export"),
    path("nouveau/", marches.marche_create, name="create"),
    path("<int:pk>/", marches.marche_detail, name="detail"),
    path("<int:pk>/modifier/", marches.marche_update, name="update"),
    path("<int:pk>/lots/ajouter/", marches.lot_create, name="lot_create"),
    path("lots/<int:pk>/supprimer/", marches.lot_delete, name="lot_delete"),
    path("<int:pk>/entreprises/ajouter/", marches.attribution_create, name="attribution_create"),
    path("attributions/<int:pk>/supprimer/", marches.attribution_delete, name="attribution_delete"),
    path("<int:pk>/avenants/ajouter/", marches.modification_create, name="modification_create"),
    path("avenants/<int:pk>/supprimer/", marches.modification_delete, name="modification_delete"),
    path("entreprises/", entreprises.EntrepriseListView.as_view(), name="entreprise_list"),
    path("entreprises/nouvelle/", entreprises.entreprise_create, name="entreprise_create"),
    path("entreprises/<int:pk>/", entreprises.entreprise_detail, name="entreprise_detail"),
    path("entreprises/<int:pk>/modifier/", entreprises.entreprise_update, name="entreprise_update"),
    path("seuils/", seuils.seuil_list, name="seuils"),
    path("seuils/nouveau/", seuils.seuil_form, name="seuil_create"),
    path("seuils/<int:pk>/modifier/", seuils.seuil_form, name="seuil_update"),
    path("decp.json", imports.export_decp, name="export_decp"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/registre/", imports.import_registre, name="import_registre"),
    path("imports/registre/modele.csv", imports.registre_modele, name="registre_modele"),
    path("imports/decp/", imports.import_decp, name="import_decp"),
    path("imports/apercu/<str:token>/", imports.import_apercu, name="import_apercu"),
    path("imports/taches/<int:pk>/", imports.import_tache, name="import_tache"),
]
