"""Facilitators' pages: follow-up home, conventions, participants, monthly hours grid, clause progress,
outcomes, next actions, imports with preview, subject-access export. Views parse, check, call, render."""

import datetime
import json
import os
from decimal import Decimal

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import F as FieldRef
from django.db.models import Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bilans.selectors import LIBELLE_AUTRES_COMMUNES, SEUIL_SECRET_COMMUNE, secret_statistique
from core.concurrence import ConflitModification
from core.enums import Role
from core.history import history_for
from core.mixins import role_required
from core.perms import ALL_ROLES, can_see_history, can_see_identite, restricted_organisation
from core.tabular import xlsx_feuilles_bytes
from marches.models import Entreprise, Marche

from . import imports, selectors, services
from .forms import (
    ActionForm,
    ConventionForm,
    EligibiliteForm,
    ImportForm,
    LigneHeuresFormSet,
    MiseEnEmploiForm,
    ParticipantForm,
    SortieForm,
)
from .models import (
    ActionSuivi,
    Convention,
    Eligibilite,
    HeuresMensuelles,
    IdentiteParticipant,
    JournalImport,
    MiseEnEmploi,
    Participant,
    Sortie,
)

F, ADM, P = Role.FACILITATEUR, Role.ADMIN, Role.PARTENAIRE
FACILITATION = (F, ADM)


def _history(request, obj):
    return history_for(obj) if can_see_history(request.user) else None


# Follow-up home ----------------------------------------------------------------------------------

@role_required(F, ADM, P)
def home(request):
    """Alerts of the day and the progress of every insertion clause the user may follow."""
    today = timezone.localdate()
    marches = selectors.marches_avec_insertion(request.user).select_related("acheteur").order_by(
        FieldRef("date_fin").desc(nulls_last=True), "pk")
    page = Paginator(marches, 25).get_page(request.GET.get("page"))
    avancements = selectors.avancement_par_marche(Marche.objects.filter(pk__in=[m.pk for m in page]), today)
    for m in page:
        m.avancement = avancements.get(m.pk)
    return render(request, "facilitateurs/home.html", {
        "alertes": selectors.alertes(request.user, today), "page_obj": page, "marches": page.object_list,
        "paginator": page.paginator, "today": today, "peut_saisir": request.user.role in FACILITATION,
    })


# Conventions -------------------------------------------------------------------------------------

def _conventions(user):
    qs = Convention.objects.select_related("partenaire")
    org = restricted_organisation(user)
    if user.role == P:
        return qs.filter(partenaire=org) if org is not None else qs.none()
    return qs


@role_required(*ALL_ROLES)
def convention_list(request):
    qs = _conventions(request.user).prefetch_related("facilitateurs").order_by("-date_debut", "pk")
    from django.db.models import Count

    # The contracts each convention covers: its partner buyer's (selectors.convention_marches).
    qs = qs.annotate(nb_marches=Count("marches", distinct=True,
                                      filter=Q(marches__acheteur_id=FieldRef("partenaire_id"))))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "facilitateurs/convention_list.html", {
        "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
        "can_edit": request.user.role == ADM})


@role_required(*ALL_ROLES)
def convention_detail(request, pk):
    convention = get_object_or_404(_conventions(request.user), pk=pk)
    couverts = selectors.convention_marches(convention)
    marches = list(couverts.select_related("acheteur").order_by("identifiant"))
    avancements = selectors.avancement_par_marche(couverts)
    for m in marches:
        m.avancement = avancements.get(m.pk)
    # Under a pooling agreement (globalisation) hours count across the covered contracts.
    total = {"requises": sum((a.requises for a in avancements.values()), Decimal("0")),
             "realisees": sum((a.realisees for a in avancements.values()), Decimal("0"))}
    repartition = selectors.heures_par_mois_et_commune(couverts)
    communes = repartition["communes"]
    if request.user.role not in FACILITATION:  # partners, élus, DCP: no cell of 1 or 2 people
        communes = secret_statistique(communes, cle="commune", effectif="participants",
                                      libelle_autres=LIBELLE_AUTRES_COMMUNES)
    repartition["communes"] = [{**c, "commune": c["commune"] or "Non renseignée"} for c in communes]
    detaches = (list(selectors.convention_marches_detaches(convention).select_related("acheteur"))
                if request.user.role in FACILITATION else [])
    return render(request, "facilitateurs/convention_detail.html", {
        "convention": convention, "marches": marches, "total": total, "detaches": detaches, "seuil": SEUIL_SECRET_COMMUNE,
        "repartition": repartition, "facilitateurs": convention.facilitateurs.all(),
        "can_edit": request.user.role == ADM, "historique": _history(request, convention)})


@role_required(ADM)
def convention_form(request, pk=None):
    convention = get_object_or_404(Convention, pk=pk) if pk else None
    form = ConventionForm(request.POST or None, instance=convention)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        services.convention_save(convention=obj, user=request.user, marches=form.cleaned_data["marches"],
                                 facilitateurs=form.cleaned_data["facilitateurs"])
        messages.success(request, "Convention enregistrée.")
        return redirect("facilitateurs:convention_detail", pk=obj.pk)
    return render(request, "core/form.html", {
        "form": form, "titre": f"Modifier {convention}" if convention else "Nouvelle convention",
        "historique": _history(request, convention) if convention else None})


# Participants ------------------------------------------------------------------------------------

@role_required(*FACILITATION)
def participant_list(request):
    qs = Participant.objects.annotate(dernier_mois=Max("heures__mois")).prefetch_related(
        Prefetch("eligibilites", queryset=Eligibilite.objects.order_by("public"))).order_by("code")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(code__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "facilitateurs/participant_list.html", {
        "page_obj": page, "object_list": page.object_list, "paginator": page.paginator, "q": q})


@role_required(*FACILITATION)
def participant_detail(request, pk):
    participant = get_object_or_404(Participant, pk=pk)
    identite = IdentiteParticipant.objects.filter(participant=participant).first()
    if identite is not None and can_see_identite(request.user):
        services.identite_lecture_record(participant=participant, user=request.user)
    heures = (HeuresMensuelles.objects.filter(participant=participant).select_related("marche", "entreprise")
              .order_by("-mois")[:36])
    today = timezone.localdate()
    sorties = list(participant.sorties.all())
    for s in sorties:
        s.suivi_du = services.suivi_6_mois_du(s)
        s.suivi_en_retard = s.date_suivi_6_mois is None and s.suivi_du <= today
    return render(request, "facilitateurs/participant_detail.html", {
        "participant": participant, "identite": identite,
        "eligibilites": participant.eligibilites.select_related("valide_par").order_by("public"),
        "mises": participant.mises_en_emploi.select_related("marche", "entreprise"),
        "heures": heures, "sorties": sorties, "today": today,
        "eligibilite_form": EligibiliteForm(), "mise_form": MiseEnEmploiForm(), "sortie_form": SortieForm(),
        "lectures": participant.lectures_identite.select_related("user")[:20] if request.user.role == ADM else None,
        "historique": _history(request, participant)})


@role_required(*FACILITATION)
def participant_form(request, pk=None):
    participant = get_object_or_404(Participant, pk=pk) if pk else None
    identite = IdentiteParticipant.objects.filter(participant=participant).first() if participant else None
    form = ParticipantForm(request.POST or None, instance=participant, identite=identite)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.participant_save(participant=form.save(commit=False), user=request.user,
                                            identite=form.identite(), version=form.version_vue())
        except ConflitModification as conflit:  # saved by someone else since the form was opened
            form.signaler_conflit(conflit)
        else:
            messages.success(request, "Participant enregistré.")
            return redirect("facilitateurs:participant_detail", pk=obj.pk)
    if identite is not None and request.method == "GET":
        services.identite_lecture_record(participant=participant, user=request.user, motif="modification")
    return render(request, "core/form.html", {
        "form": form, "titre": f"Modifier le participant {participant}" if participant else "Nouveau participant",
        "historique": _history(request, participant) if participant else None})


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
        services.eligibilite_save(participant=participant, public=data["public"],
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
        services.mise_en_emploi_save(mise=mise, user=request.user)
    return _participant_subform(request, pk, MiseEnEmploiForm, save, "Mise en emploi", "Mise en emploi enregistrée.")


@role_required(*FACILITATION)
def mise_en_emploi_update(request, pk):
    mise = get_object_or_404(MiseEnEmploi.objects.select_related("participant", "entreprise"), pk=pk)
    form = MiseEnEmploiForm(request.POST or None, instance=mise)
    if request.method == "POST" and form.is_valid():
        services.mise_en_emploi_save(mise=form.save(commit=False), user=request.user)
        messages.success(request, "Mise en emploi enregistrée.")
        return redirect("facilitateurs:participant_detail", pk=mise.participant_id)
    return render(request, "core/form.html", {"form": form, "titre": f"Mise en emploi de {mise.participant}",
                                              "historique": _history(request, mise)})


@role_required(*FACILITATION)
def sortie_create(request, pk):
    def save(participant, form):
        sortie = form.save(commit=False)
        sortie.participant = participant
        services.sortie_save(sortie=sortie, user=request.user)
    return _participant_subform(request, pk, SortieForm, save, "Sortie", "Sortie enregistrée.")


@role_required(*FACILITATION)
def sortie_update(request, pk):
    sortie = get_object_or_404(Sortie.objects.select_related("participant"), pk=pk)
    form = SortieForm(request.POST or None, instance=sortie)
    if request.method == "POST" and form.is_valid():
        services.sortie_save(sortie=form.save(commit=False), user=request.user)
        messages.success(request, "Sortie enregistrée.")
        return redirect("facilitateurs:participant_detail", pk=sortie.participant_id)
    return render(request, "core/form.html", {"form": form, "titre": f"Sortie de {sortie.participant}",
                                              "historique": _history(request, sortie)})


@role_required(*FACILITATION)
def participant_export(request, pk):
    """Subject-access request: everything held about one participant, as JSON or XLSX; the read is recorded."""
    participant = get_object_or_404(Participant, pk=pk)
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "xlsx"):
        raise Http404("Format inconnu.")
    data = selectors_export(participant)
    services.identite_lecture_record(participant=participant, user=request.user, motif=f"export {fmt}")
    filename = f"participant-{participant.code}"
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    response = HttpResponse(xlsx_feuilles_bytes(data),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def selectors_export(participant) -> dict:
    identite = IdentiteParticipant.objects.filter(participant=participant).first()
    return {
        "participant": {"code": participant.code, "annee_naissance": participant.annee_naissance,
                        "sexe": participant.get_sexe_display(), "code_postal": participant.code_postal,
                        "commune": participant.commune, "qpv": participant.qpv,
                        "cree_le": participant.created_at.isoformat()},
        "identite": ({f: getattr(identite, f) for f in ("nom", "prenom", "telephone", "email", "adresse")}
                     if identite else {}),
        "eligibilites": [{"public": e.get_public_display(), "verifie_le": e.date_verification,
                          "valide_par": str(e.valide_par or ""), "valable_jusqu_au": e.date_fin_validite,
                          "avis": e.commentaire} for e in participant.eligibilites.select_related("valide_par")],
        "mises_en_emploi": [{"marche": m.marche.identifiant, "employeur": str(m.entreprise),
                             "modalite": m.get_modalite_display(), "contrat": m.get_type_contrat_display(),
                             "debut": m.date_debut, "fin": m.date_fin}
                            for m in participant.mises_en_emploi.select_related("marche", "entreprise")],
        "heures": [{"marche": h.marche.identifiant, "entreprise": str(h.entreprise), "mois": h.mois.strftime("%Y-%m"),
                    "modalite": h.get_modalite_display(), "heures": h.heures}
                   for h in participant.heures.select_related("marche", "entreprise").order_by("mois")],
        "sorties": [{"date": s.date_sortie, "categorie": s.get_categorie_display(), "detail": s.detail,
                     "suivi_6_mois_le": s.date_suivi_6_mois, "situation_6_mois": s.get_categorie_6_mois_display(),
                     "detail_6_mois": s.detail_6_mois} for s in participant.sorties.all()],
        "lectures_identite": [{"le": lecture.created_at.isoformat(), "par": str(lecture.user or ""),
                               "motif": lecture.motif} for lecture in participant.lectures_identite.select_related("user")],
    }


# Contracts: progress and monthly grid ----------------------------------------------------------

def _marche_visible(request, pk):
    return get_object_or_404(Marche.objects.visibles_par(request.user).select_related("acheteur"), pk=pk)


@role_required(*ALL_ROLES)
def suivi_marche(request, pk):
    """A contract's clause progress: required vs realised, pace, forecast, by modality/company/month. Anonymous."""
    marche = _marche_visible(request, pk)
    avancement = selectors.avancement_par_marche(Marche.objects.filter(pk=marche.pk)).get(marche.pk)
    context = {"marche": marche, "avancement": avancement, "detail": selectors.detail_heures_marche(marche),
               "peut_saisir": request.user.role in FACILITATION,
               "conventions": _conventions(request.user).filter(marches=marche)}
    if request.user.role in FACILITATION:
        context["actions"] = selectors.actions_ouvertes(marche=marche)
        context["action_form"] = ActionForm(marche=marche)
    return render(request, "facilitateurs/suivi_marche.html", context)


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
    fin_mois = services.add_months(mois, 1) - datetime.timedelta(days=1)
    placements = (MiseEnEmploi.objects.filter(marche=marche, date_debut__lte=fin_mois)
                  .exclude(date_fin__lt=mois).select_related("participant", "entreprise").order_by("participant__code"))
    existing = HeuresMensuelles.objects.filter(marche=marche, mois=mois).select_related("participant", "entreprise")
    initial, seen = [], {}
    for h in existing:
        key = (h.participant.code if h.participant else "", h.entreprise_id, h.modalite)
        seen[key] = len(initial)
        initial.append({"participant_code": key[0], "entreprise": h.entreprise_id, "modalite": h.modalite,
                        "type_contrat": h.type_contrat, "heures": h.heures, "montant_ht": h.montant_ht})
    for mise in placements:
        key = (mise.participant.code, mise.entreprise_id, mise.modalite)
        if key not in seen:
            seen[key] = len(initial)
            initial.append({"participant_code": key[0], "entreprise": mise.entreprise_id, "modalite": mise.modalite,
                            "type_contrat": mise.type_contrat})
    initial.sort(key=lambda row: (row["participant_code"] or "~", row["modalite"]))
    entreprises = list(Entreprise.objects.filter(
        pk__in=set(marche.attributions.values_list("entreprise_id", flat=True))
        | {row["entreprise"] for row in initial}).order_by("nom").values_list("pk", "nom"))
    if request.method == "POST":
        codes = {v.strip() for k, v in request.POST.items() if k.endswith("-participant_code") and v.strip()}
        participants = {p.code: p for p in Participant.objects.filter(code__in=codes)}
        formset = LigneHeuresFormSet(request.POST, entreprises=entreprises, participants=participants,
                                     marche=marche, mois=mois)
        if formset.is_valid():
            entreprises_by_id = {e.pk: e for e in Entreprise.objects.filter(
                pk__in={f.cleaned_data["entreprise"] for f in formset.forms
                        if f.cleaned_data and not f.cleaned_data.get("vide")})}
            lignes = [{**f.cleaned_data, "entreprise": entreprises_by_id[f.cleaned_data["entreprise"]]}
                      for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("vide")]
            created, updated = services.heures_grille_save(marche=marche, mois=mois, lignes=lignes, user=request.user)
            messages.success(request, f"Relevé de {mois:%m/%Y} enregistré : {created} ligne(s) créée(s), "
                                      f"{updated} modifiée(s).")
            return redirect(f"{reverse('facilitateurs:grille', args=[marche.pk])}?mois={mois:%Y-%m}")
        messages.error(request, "Le relevé n'a pas été enregistré : corrigez les lignes signalées.")
    else:
        formset = LigneHeuresFormSet(initial=initial, entreprises=entreprises, participants={})
    avancement = selectors.avancement_par_marche(Marche.objects.filter(pk=marche.pk)).get(marche.pk)
    return render(request, "facilitateurs/grille.html", {
        "marche": marche, "mois": mois, "formset": formset, "avancement": avancement,
        "mois_precedent": services.add_months(mois, -1), "mois_suivant": services.add_months(mois, 1)})


# Next actions ------------------------------------------------------------------------------------

@role_required(*FACILITATION)
def action_list(request):
    """Open next actions (and create one). ?faites=1 shows the done ones."""
    faites = request.GET.get("faites") == "1"
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.action_save(action=form.save(commit=False), user=request.user)
        messages.success(request, "Action enregistrée.")
        next_url = request.POST.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("facilitateurs:actions")
    qs = selectors.actions_ouvertes().filter(faite=faites).order_by("echeance", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "facilitateurs/action_list.html", {
        "form": form, "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
        "faites": faites, "today": timezone.localdate()})


@require_POST
@role_required(*FACILITATION)
def action_faite(request, pk):
    action = get_object_or_404(ActionSuivi, pk=pk)
    services.action_marquer_faite(action=action, user=request.user, faite=request.POST.get("faite", "1") == "1")
    messages.success(request, f"Action « {action.quoi} » mise à jour.")
    next_url = request.POST.get("next")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("facilitateurs:actions")


# Imports with preview ------------------------------------------------------------------------------

IMPORT_SYNC_MAX_BYTES = 1_000_000  # about 15,000 hour rows: beyond, the confirmed import runs as a background job


def _pending(request, token):
    pending = request.session.get("imports_en_attente", {})
    item = pending.get(token)
    if item is None or not default_storage.exists(item["path"]):
        raise Http404("Import introuvable ou expiré.")
    return item


@role_required(*FACILITATION)
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        token, path = services.import_fichier_stocker(fichier)
        pending = request.session.get("imports_en_attente", {})
        pending[token] = {"path": path, "nom": os.path.basename(fichier.name), "type": form.cleaned_data["type"]}
        request.session["imports_en_attente"] = pending
        return redirect("facilitateurs:import_preview", token=token)
    journal = JournalImport.objects.select_related("user").order_by("-created_at")[:10]
    return render(request, "facilitateurs/import_upload.html", {"form": form, "journal": journal})


@role_required(*FACILITATION)
def import_preview(request, token):
    """Parse the stored file and show its rows and errors; POST confirms and saves (all or nothing)."""
    item = _pending(request, token)
    importer = imports.import_heures if item["type"] == "heures" else imports.import_participants
    path = default_storage.path(item["path"])
    if request.method == "POST" and default_storage.size(item["path"]) > IMPORT_SYNC_MAX_BYTES:
        # A large file is imported by a worker; its state shows on the jobs page.
        from core.jobs import job_enqueue

        from .jobs import JOB_IMPORT

        job_enqueue(type=JOB_IMPORT, parametres=item, user=request.user, organisation=request.user.organisation)
        pending = request.session.get("imports_en_attente", {})
        pending.pop(token, None)
        request.session["imports_en_attente"] = pending
        messages.info(request, f"{item['nom']} : l'import est lancé en tâche de fond ; suivez son état ici.")
        return redirect("core:taches")
    if request.method == "POST":
        resultat = importer(path, user=request.user, nom=item["nom"])
        if resultat.ok:
            services.import_fichier_supprimer(item["path"])
            pending = request.session.get("imports_en_attente", {})
            pending.pop(token, None)
            request.session["imports_en_attente"] = pending
            messages.success(request, f"{item['nom']} : {resultat.lignes} lignes importées ({resultat.crees} créées, "
                                      f"{resultat.mis_a_jour} mises à jour).")
            return redirect("facilitateurs:home")
    else:
        resultat = importer(path, user=request.user, nom=item["nom"], dry_run=True)
    return render(request, "facilitateurs/import_preview.html", {"item": item, "resultat": resultat,
                                                                   "token": token})

