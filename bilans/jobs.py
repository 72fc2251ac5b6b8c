"""Background jobs of the bilans app (loaded by core.jobs): the annual bilan's PDF; the figures the pages serve."""

from django.urls import reverse

from core.jobs import register

from .figures import JOB_TYPE as FIGURES_JOB_TYPE
from .figures import figures_calculer
from .models import Bilan
from .services import JOB_TYPE, bilan_generer


@register(JOB_TYPE)
def bilan_annuel_job(tache):
    bilan = Bilan.objects.select_related("acheteur", "direction", "famille", "convention").get(
        pk=tache.parametres["bilan_id"])
    bilan_generer(bilan=bilan)
    tache.resultat = {"bilan_id": bilan.pk, "url": reverse("bilans:bilan_telecharger", kwargs={"pk": bilan.pk}),
                      "taille": bilan.fichier.size}


@register(FIGURES_JOB_TYPE)
def indicateurs_job(tache):
    """Compute and store one scope's figures (bilans.figures): what the dashboards and the SPASER pages serve."""
    ligne = figures_calculer(parametres=tache.parametres["perimetre"])
    tache.resultat = {"figures_id": ligne.pk, "version": ligne.version, "calcule_le": ligne.calcule_le.isoformat()}
