from django.urls import path

from .views import contacts, entreprise, facilitation, fichiers

app_name = "declarations"

urlpatterns = [
    path("", entreprise.marches, name="marches"),
    path("marches/<int:pk>/", entreprise.marche, name="marche"),
    path("marches/<int:pk>/declarer/", entreprise.declarer, name="declarer"),
    path("marches/<int:marche_pk>/attestation/<int:entreprise_pk>/", fichiers.attestation, name="attestation"),
    path("a-valider/", facilitation.a_valider, name="a_valider"),
    path("<int:pk>/", facilitation.detail, name="detail"),
    path("<int:pk>/valider/", facilitation.valider, name="valider"),
    path("<int:pk>/renvoyer/", facilitation.renvoyer, name="renvoyer"),
    path("justificatifs/<int:pk>/", fichiers.justificatif, name="justificatif"),
    path("entreprises/<int:pk>/contacts/", contacts.entreprise_contacts, name="entreprise_contacts"),
    path("contacts/<int:pk>/desactiver/", contacts.contact_desactiver, name="contact_desactiver"),
    path("invitation/<uidb64>/<token>/", contacts.InvitationView.as_view(), name="invitation"),
]
