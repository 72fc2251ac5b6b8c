from django.urls import path

from .views import examens, matinale

app_name = "examens"

urlpatterns = [
    path("", examens.examen_list, name="list"),
    path("chiffres/", examens.chiffres, name="chiffres"),
    path("matinale/", matinale.matinale, name="matinale"),
    path("marche/<int:marche_pk>/ouvrir/", examens.examen_ouvrir, name="ouvrir"),
    path("<int:pk>/", examens.examen_detail, name="detail"),
    path("<int:pk>/avis/", examens.examen_avis, name="avis"),
    path("<int:pk>/decision/", examens.examen_decision, name="decision"),
    path("<int:pk>/lancement/", examens.examen_lancement, name="lancement"),
]
