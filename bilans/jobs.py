"""Background job of the bilans app (loaded by core.jobs): the annual bilan's PDF."""

from django.urls import reverse

from core.jobs import register

from .models import Bilan
from .services import JOB_TYPE, bilan_generer


@register(JOB_TYPE)
def bilan_annuel_job(tache):
    bilan = Bilan.objects.select_related("acheteur", "direction", "famille", "convention").get(
        pk=tache.parametres["bilan_id"])
    bilan_generer(bilan=bilan)
    tache.resultat = {"bilan_id": bilan.pk, "url": reverse("bilans:bilan_telecharger", kwargs={"pk": bilan.pk}),
                      "taille": bilan.fichier.size}
