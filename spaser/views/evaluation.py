"""The scheme's evaluation for one buyer and one year: each indicator against its target, charts, XLSX export."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView

from bilans.graphiques import Colonne, Graphique
from core.mixins import RoleRequiredMixin, role_required
from core.models import Organisation
from core.parametres import AnneeField, IdField, ParametresForm, parametres_lire

from .. import selectors
from ..enums import StatutEvaluation
from ..evaluation import SEUIL_BONNE_VOIE
from ..exports import evaluation_xlsx
from ..models import Spaser
from ..perms import check_read_spaser, is_partenaire
from .base import SCHEME_ROLES


class EvaluationParametres(ParametresForm):
    acheteur = IdField()
    annee = AnneeField()


def _evaluation_params(request, spaser):
    check_read_spaser(request.user, spaser)
    acheteurs = list(spaser.acheteurs.all())
    if is_partenaire(request.user):
        acheteurs = [a for a in acheteurs if a.pk == request.user.organisation_id]
    instance = Organisation.objects.instance()
    defaut = instance if instance in acheteurs else (acheteurs[0] if acheteurs else None)
    parametres = parametres_lire(EvaluationParametres, request.GET)
    choix = parametres.get("acheteur")
    acheteur = next((a for a in acheteurs if a.pk == choix), defaut)
    annee = parametres.get("annee") or selectors.annee_par_defaut(spaser)
    annee = min(max(annee, spaser.annee_debut), spaser.annee_fin)
    return acheteurs, acheteur, annee


class EvaluationView(RoleRequiredMixin, TemplateView):
    roles = SCHEME_ROLES
    template_name = "spaser/evaluation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        spaser = get_object_or_404(Spaser, pk=self.kwargs["pk"])
        acheteurs, acheteur, annee = _evaluation_params(self.request, spaser)
        context.update(spaser=spaser, acheteurs=acheteurs, acheteur=acheteur, annee=annee, statuts=StatutEvaluation)
        if acheteur is None:
            return context
        moteur = selectors.Moteur()  # stored figures (bilans.figures): nothing computed in the request
        evaluation = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee, moteur=moteur)
        context["evaluation"] = evaluation
        context["obligation"] = selectors.obligation(acheteur=acheteur, annee=annee, moteur=moteur)
        context["etat"] = moteur.etat
        context["prochaine_publication"] = selectors.prochaine_publication(spaser=spaser)
        context["seuil_bonne_voie"] = SEUIL_BONNE_VOIE
        context["charts"] = [_graphique_tendance(ligne) for ligne in evaluation["lignes"]]
        return context


def _graphique_tendance(ligne) -> Graphique:
    """An indicator's trend over the scheme's years (achieved and target) as the one chart component: the line
    chart and the table of the years it plots (templates/_graphique.html)."""
    indicateur = ligne["indicateur"]
    format_ = FORMAT_UNITE.get(indicateur.unite, "nombre")
    return Graphique(
        f"indicateur-{indicateur.pk}", f"Évolution de « {indicateur.libelle} » : réalisé et cible", "ligne",
        [Colonne("Année", "texte"), Colonne("Réalisé", format_), Colonne("Cible", format_)],
        [[str(p["annee"]), p["reel"], p["cible"]] for p in ligne["serie"]],
        series=[1, 2], pointilles=[2],
    )


FORMAT_UNITE = {"pourcent": "pourcent", "euros": "euros", "heures": "heures", "nombre": "nombre"}


@role_required(*SCHEME_ROLES)
def evaluation_export(request, pk):
    spaser = get_object_or_404(Spaser, pk=pk)
    _, acheteur, annee = _evaluation_params(request, spaser)
    if acheteur is None:
        return HttpResponse("Ce schéma ne couvre aucun acheteur.", status=404, content_type="text/plain")
    evaluation = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee)
    etat = evaluation["etat_figures"]
    if etat is not None and not etat.disponibles:  # being computed: no file of empty figures
        return HttpResponse("Les chiffres de cette évaluation sont en cours de calcul : l'export sera disponible dès "
                            "qu'ils seront prêts. Réessayez dans un instant.", content_type="text/plain; charset=utf-8")
    contenu = evaluation_xlsx(evaluation)
    response = HttpResponse(contenu, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"spaser-evaluation-{acheteur.siret}-{annee}.xlsx")
    return response
