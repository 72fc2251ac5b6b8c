"""Participants: list, page, edition (with their identity, whose every read is recorded), eligibility
criteria, placements, outcomes, and the subject-access export."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from core.concurrence import ConflitModification
from core.mixins import role_required
from core.perms import can_see_identite
from core.tabular import xlsx_feuilles_bytes

from .. import selectors, services
from ..forms import EligibiliteForm, MiseEnEmploiForm, ParticipantForm, SortieForm
from ..models import MiseEnEmploi, Participant, Sortie
from .base import ADM, FACILITATION, history_or_none


@role_required(*FACILITATION)
def participant_list(request):
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.participant_list(q=q), 50).get_page(request.GET.get("page"))
    return render(request, "facilitateurs/participant_list.html", {
        "page_obj": page, "object_list": page.object_list, "paginator": page.paginator, "q": q})


@role_required(*FACILITATION)
def participant_detail(request, pk):
    participant = get_object_or_404(Participant, pk=pk)
    identite = selectors.identite_de(participant)
    if identite is not None and can_see_identite(request.user):
        services.identite_lecture_enregistrer(participant=participant, user=request.user)
    fiche = selectors.participant_fiche(participant, avec_lectures=request.user.role == ADM)
    today = timezone.localdate()
    for s in fiche["sorties"]:
        s.suivi_du = services.suivi_6_mois_du(s)
        s.suivi_en_retard = s.date_suivi_6_mois is None and s.suivi_du <= today
    return render(request, "facilitateurs/participant_detail.html", {
        "participant": participant, "identite": identite, **fiche, "today": today,
        "eligibilite_form": EligibiliteForm(), "mise_form": MiseEnEmploiForm(), "sortie_form": SortieForm(),
        "historique": history_or_none(request, participant)})


@role_required(*FACILITATION)
def participant_form(request, pk=None):
    participant = get_object_or_404(Participant, pk=pk) if pk else None
    identite = selectors.identite_de(participant)
    form = ParticipantForm(request.POST or None, instance=participant, identite=identite)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.participant_enregistrer(participant=form.save(commit=False), user=request.user,
                                            identite=form.identite(), version=form.version_vue())
        except ConflitModification as conflit:  # saved by someone else since the form was opened
            form.signaler_conflit(conflit)
        else:
            messages.success(request, "Participant enregistré.")
            return redirect("facilitateurs:participant_detail", pk=obj.pk)
    if identite is not None and request.method == "GET":
        services.identite_lecture_enregistrer(participant=participant, user=request.user, motif="modification")
    return render(request, "core/form.html", {
        "form": form, "titre": f"Modifier le participant {participant}" if participant else "Nouveau participant",
        "historique": history_or_none(request, participant) if participant else None})


def _participant_subform(request, pk, form_class, save, template_key, message):
    participant = get_object_or_404(Participant, pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        save(participant, form)
        messages.success(request, message)
        return redirect("facilitateurs:participant_detail", pk=participant.pk)
    return render(request, "core/form.html", {"form": form, "titre": f"{template_key} — {participant}"})


@role_required(*FACILITATION)
def eligibilite_create(request, pk):
    def save(participant, form):
        data = form.cleaned_data
        services.eligibilite_enregistrer(participant=participant, public=data["public"],
                                  date_verification=data["date_verification"], user=request.user,
                                  date_fin_validite=data.get("date_fin_validite"),
                                  commentaire=data.get("commentaire", ""))
    return _participant_subform(request, pk, EligibiliteForm, save, "Critère d'éligibilité",
                                "Critère d'éligibilité enregistré.")


@role_required(*FACILITATION)
def mise_en_emploi_create(request, pk):
    def save(participant, form):
        mise = form.save(commit=False)
        mise.participant = participant
        services.mise_en_emploi_enregistrer(mise=mise, user=request.user)
    return _participant_subform(request, pk, MiseEnEmploiForm, save, "Mise en emploi", "Mise en emploi enregistrée.")


@role_required(*FACILITATION)
def mise_en_emploi_update(request, pk):
    mise = get_object_or_404(MiseEnEmploi.objects.select_related("participant", "entreprise"), pk=pk)
    form = MiseEnEmploiForm(request.POST or None, instance=mise)
    if request.method == "POST" and form.is_valid():
        services.mise_en_emploi_enregistrer(mise=form.save(commit=False), user=request.user)
        messages.success(request, "Mise en emploi enregistrée.")
        return redirect("facilitateurs:participant_detail", pk=mise.participant_id)
    return render(request, "core/form.html", {"form": form, "titre": f"Mise en emploi de {mise.participant}",
                                              "historique": history_or_none(request, mise)})


@role_required(*FACILITATION)
def sortie_create(request, pk):
    def save(participant, form):
        sortie = form.save(commit=False)
        sortie.participant = participant
        services.sortie_enregistrer(sortie=sortie, user=request.user)
    return _participant_subform(request, pk, SortieForm, save, "Sortie", "Sortie enregistrée.")


@role_required(*FACILITATION)
def sortie_update(request, pk):
    sortie = get_object_or_404(Sortie.objects.select_related("participant"), pk=pk)
    form = SortieForm(request.POST or None, instance=sortie)
    if request.method == "POST" and form.is_valid():
        services.sortie_enregistrer(sortie=form.save(commit=False), user=request.user)
        messages.success(request, "Sortie enregistrée.")
        return redirect("facilitateurs:participant_detail", pk=sortie.participant_id)
    return render(request, "core/form.html", {"form": form, "titre": f"Sortie de {sortie.participant}",
                                              "historique": history_or_none(request, sortie)})


@role_required(*FACILITATION)
def participant_export(request, pk):
    """Subject-access request: everything held about one participant, as JSON or XLSX; the read is recorded."""
    participant = get_object_or_404(Participant, pk=pk)
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "xlsx"):
        raise Http404("Format inconnu.")
    data = selectors.participant_export(participant)
    services.identite_lecture_enregistrer(participant=participant, user=request.user, motif=f"export {fmt}")
    filename = f"participant-{participant.code}"
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.json")
        return response
    response = HttpResponse(xlsx_feuilles_bytes(data),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    return response
