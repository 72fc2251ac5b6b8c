from django.urls import path

from . import views

app_name = "fse"

urlpatterns = [
    path("", views.rapport, name="rapport"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("a-completer/", views.a_completer, name="a_completer"),
    path("operations/", views.operation_list, name="operations"),
    path("operations/nouvelle/", views.operation_form, name="operation_create"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/modifier/", views.operation_form, name="operation_update"),
    path("operations/<int:pk>/participants/ajouter/", views.participation_create, name="participation_create"),
    path("participations/<int:pk>/", views.participation_update, name="participation_update"),
    path("participations/<int:pk>/sortie/", views.participation_sortie, name="participation_sortie"),
    path("participations/<int:pk>/suivi-6-mois/", views.participation_suivi, name="participation_suivi"),
]
