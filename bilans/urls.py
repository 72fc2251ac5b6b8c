from django.urls import path

from . import views

app_name = "bilans"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export, name="export"),
    path("chiffres/<int:pk>/etat/", views.figures_etat, name="figures_etat"),
    path("annuels/", views.bilan_list, name="bilans"),
    path("annuels/demander/", views.bilan_demander, name="bilan_demander"),
    path("annuels/<int:pk>/", views.bilan_detail, name="bilan_detail"),
    path("annuels/<int:pk>/etat/", views.bilan_etat, name="bilan_etat"),
    path("annuels/<int:pk>/telecharger/", views.bilan_telecharger, name="bilan_telecharger"),
    path("annuels/<int:pk>/regenerer/", views.bilan_regenerer, name="bilan_regenerer"),
]
