from django.urls import path

from . import views

app_name = "clauses"

urlpatterns = [
    path("", views.index, name="index"),
    path("familles/", views.famille_list, name="familles"),
    path("familles/nouvelle/", views.famille_form, name="famille_create"),
    path("familles/suggestion/", views.famille_suggestion, name="famille_suggestion"),
    path("familles/<int:pk>/", views.famille_detail, name="famille_detail"),
    path("familles/<int:pk>/modifier/", views.famille_form, name="famille_update"),
    path("familles/<int:pk>/archiver/", views.famille_archive, name="famille_archive"),
    path("clausier/", views.clausier, name="clausier"),
    path("clausier/nouvelle/", views.clause_modele_form, name="clause_modele_create"),
    path("clausier/<int:pk>/", views.clause_modele_detail, name="clause_modele_detail"),
    path("clausier/<int:pk>/modifier/", views.clause_modele_form, name="clause_modele_update"),
    path("clausier/<int:pk>/archiver/", views.clause_modele_archive, name="clause_modele_archive"),
    path("marche/<int:marche_pk>/", views.marche_clauses, name="marche_clauses"),
    path("marche/<int:marche_pk>/ajouter/", views.clause_ajout, name="clause_ajout"),
    path("marche/<int:marche_pk>/conseil/", views.conseil, name="conseil"),
    path("clause/<int:pk>/modifier/", views.clause_modifier, name="clause_modifier"),
    path("clause/<int:pk>/supprimer/", views.clause_supprimer, name="clause_supprimer"),
    path("clause/<int:pk>/telecharger/", views.clause_telecharger, name="clause_telecharger"),
    path("conseil/", views.conseil_brouillon, name="conseil_brouillon"),
    path("diagnostics/", views.diagnostics, name="diagnostics"),
    path("diagnostics/famille/<int:famille_pk>/", views.diagnostic_famille, name="diagnostic_famille"),
    path("diagnostics/famille/<int:famille_pk>/<int:annee>/", views.diagnostic_saisie, name="diagnostic_saisie"),
]
