from django.urls import path

from .views import clauses_marche, clausier, conseil, diagnostics, familles

app_name = "clauses"

urlpatterns = [
    path("", familles.index, name="index"),
    path("familles/", familles.famille_list, name="familles"),
    path("familles/nouvelle/", familles.famille_form, name="famille_create"),
    path("familles/suggestion/", familles.famille_suggestion, name="famille_suggestion"),
    path("familles/<int:pk>/", familles.famille_detail, name="famille_detail"),
    path("familles/<int:pk>/modifier/", familles.famille_form, name="famille_update"),
    path("familles/<int:pk>/archiver/", familles.famille_archive, name="famille_archive"),
    path("clausier/", clausier.clausier, name="clausier"),
    path("clausier/nouvelle/", clausier.clause_modele_form, name="clause_modele_create"),
    path("clausier/<int:pk>/", clausier.clause_modele_detail, name="clause_modele_detail"),
    path("clausier/<int:pk>/modifier/", clausier.clause_modele_form, name="clause_modele_update"),
    path("clausier/<int:pk>/archiver/", clausier.clause_modele_archive, name="clause_modele_archive"),
    path("marche/<int:marche_pk>/", clauses_marche.marche_clauses, name="marche_clauses"),
    path("marche/<int:marche_pk>/ajouter/", clauses_marche.clause_ajout, name="clause_ajout"),
    path("marche/<int:marche_pk>/conseil/", conseil.conseil, name="conseil"),
    path("clause/<int:pk>/modifier/", clauses_marche.clause_modifier, name="clause_modifier"),
    path("clause/<int:pk>/supprimer/", clauses_marche.clause_supprimer, name="clause_supprimer"),
    path("clause/<int:pk>/telecharger/", clauses_marche.clause_telecharger, name="clause_telecharger"),
    path("conseil/", conseil.conseil_brouillon, name="conseil_brouillon"),
    path("diagnostics/", diagnostics.diagnostics, name="diagnostics"),
    path("diagnostics/famille/<int:famille_pk>/", diagnostics.diagnostic_famille, name="diagnostic_famille"),
    path("diagnostics/famille/<int:famille_pk>/<int:annee>/", diagnostics.diagnostic_saisie, name="diagnostic_saisie"),
]
