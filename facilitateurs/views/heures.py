"""The monthly hours grid of one contract: a row per placement/participant × modality; saving upserts the
month's hours."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.mixins import role_required
from core.templatetags.formats import compte
from marches.models import Marche

from .. import imports, selectors, services
from ..forms import LigneHeuresFormSet
from .base import FACILITATION


def _parse_mois(value) -> datetime.date:
    try:
        return imports.parse_mois(value)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


@role_required(*FACILITATION)
def grille(request, pk):
    """One form per contract and month: a row per placement/participant × modality; saving upserts the hours."""
    marche = get_object_or_404(Marche.objects.select_related("acheteur"), pk=pk)
    mois = _parse_mois(request.GET.get("mois") or request.POST.get("mois"))
    initial, entreprises = selectors.grille(marche=marche, mois=mois)
    if request.method == "POST":
        codes = {v.strip() for k, v in request.POST.items() if k.endswith("-participant_code") and v.strip()}
        participants = selectors.participants_par_code(codes)
        formset = LigneHeuresFormSet(request.POST, entreprises=entreprises, participants=participants,
                                     marche=marche, mois=mois)
        if formset.is_valid():
            entreprises_by_id = selectors.entreprises_par_id(
                {f.cleaned_data["entreprise"] for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("vide")})
            lignes = [{**f.cleaned_data, "entreprise": entreprises_by_id[f.cleaned_data["entreprise"]]}
                      for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("vide")]
            created, updated = services.heures_grille_enregistrer(marche=marche, mois=mois, lignes=lignes, user=request.user)
            messages.success(request, f"Relevé de {mois:%m/%Y} enregistré : "
                                      f"{compte(created, 'ligne créée', 'lignes créées')}, "
                                      f"{compte(updated, 'modifiée')}.")
            return redirect(f"{reverse('facilitateurs:grille', args=[marche.pk])}?mois={mois:%Y-%m}")
        messages.error(request, "Le relevé n'a pas été enregistré : corrigez les lignes signalées.")
    else:
        formset = LigneHeuresFormSet(initial=initial, entreprises=entreprises, participants={})
    avancement = selectors.avancement_du_marche(marche)
    return render(request, "facilitateurs/grille.html", {
        "marche": marche, "mois": mois, "formset": formset, "avancement": avancement,
        "mois_precedent": services.add_months(mois, -1), "mois_suivant": services.add_months(mois, 1)})
