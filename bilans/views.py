"""Dashboards, XLSX exports and annual bilans: parse, check permission, call, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.enums import Role
from core.mixins import role_required
from core.perms import ALL_ROLES
from core.templatetags.formats import format_date

from . import perms, selectors, services
from .definitions import DEFINITIONS_GRAPHIQUES, chiffres_cles
from .exports import graphiques_xlsx
from .figures import indicateurs_servis
from .forms import BilanDemandeForm, PerimetreForm
from .graphiques import graphiques
from .models import Bilan, FiguresCalculees

MAX_LIGNES_EXPORT = 500


def _perimetre(request):
    form = PerimetreForm(request.GET or None, user=request.user)
    perimetre = form.perimetre()
    if perimetre["acheteur"] is None:
        raise Http404("Aucun acheteur à afficher.")
    return form, perimetre


@role_required(*ALL_ROLES)
def dashboard(request):
    """The dashboard of every role: key figures and charts for a buyer, a year, a direction, a family."""
    form, perimetre = _perimetre(request)
    # Stored figures (bilans.figures): current, else the previous ones with their date, else none while the job
    # computes them; never computed in the request.
    data, etat = indicateurs_servis(**perimetre)
    query = request.GET.copy()
    return render(request, "bilans/dashboard.html", {
        "form": form, "data": data, "etat": etat, "perimetre": perimetre,
        "charts": graphiques(data) if data is not None else [], "kpis": chiffres_cles(data) if data is not None else [],
        "query": query.urlencode(),
        "can_ask": perms.can_ask_bilan_for(request.user, perimetre["acheteur"]),
        "role": request.user.role,
    })


@role_required(*ALL_ROLES)
def export(request):
    """The numbers of one chart (?graphique=key) or of all charts, as XLSX."""
    _form, perimetre = _perimetre(request)
    key = request.GET.get("graphique", "")
    if key and key not in DEFINITIONS_GRAPHIQUES:  # every chart has its definition: unknown before any figure
        raise Http404("Graphique inconnu.")
    data, etat = indicateurs_servis(**perimetre, limite=MAX_LIGNES_EXPORT)
    if data is None:  # being computed: the page says so (and follows the job), no empty file
        return render(request, "bilans/export_attente.html", {"etat": etat, "perimetre": perimetre,
                                                              "query": request.GET.urlencode()})
    charts = graphiques(data)
    if key:
        charts = [g for g in charts if g.key == key]
        if not charts:
            raise Http404("Graphique inconnu.")
    entete = [f"Acheteur : {data.acheteur_nom} (SIRET {data.acheteur_siret})", f"Année : {data.annee}"]
    entete += [f"{libelle} : {valeur}" for libelle, valeur in data.perimetre.renseignes()]
    if not etat.a_jour:
        entete.append(f"Chiffres du {format_date(etat.calcule_le)} (mise à jour en cours)")
    content = graphiques_xlsx(charts, entete=entete)
    name = f"indicateurs-{data.annee}-{data.acheteur_siret}{'-' + key if key else ''}.xlsx"
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _bilan_visible(request, pk) -> Bilan:
    bilan = get_object_or_404(Bilan.objects.visibles_par(request.user).select_related(
        "acheteur", "tache", "demande_par", "convention", "direction", "famille"), pk=pk)
    return bilan


@role_required(*ALL_ROLES)
def bilan_list(request):
    bilans = Bilan.objects.visibles_par(request.user).select_related(
        "acheteur", "tache", "demande_par", "convention", "direction", "famille")[:100]
    form = None
    if perms.can_ask_bilan(request.user):
        form = BilanDemandeForm(user=request.user)
        form.helper.form_action = reverse("bilans:bilan_demander")
    return render(request, "bilans/bilan_list.html", {"bilans": bilans, "form": form,
                                                      **selectors.bilan_a_venir(user=request.user)})


@role_required(*perms.ROLES_DEMANDE)
@require_POST
def bilan_demander(request):
    form = BilanDemandeForm(request.POST, user=request.user)
    if not form.is_valid():
        form.helper.form_action = reverse("bilans:bilan_demander")
        bilans = Bilan.objects.visibles_par(request.user).select_related(
            "acheteur", "tache", "demande_par", "convention", "direction", "famille")[:100]
        return render(request, "bilans/bilan_list.html", {"bilans": bilans, "form": form}, status=400)
    perimetre = form.perimetre()
    if not perms.can_ask_bilan_for(request.user, perimetre["acheteur"]):
        raise PermissionDenied("Vous ne pouvez demander que le bilan de votre organisation.")
    try:
        bilan = services.bilan_demander(user=request.user, depuis=form.cleaned_data.get("depuis"), **perimetre)
    except services.DemandeTropFrequente as exc:
        messages.error(request, str(exc))
        return redirect("bilans:bilans")
    messages.info(request, f"Bilan {bilan.annee} demandé : son état s'affiche ci-dessous et se met à jour tout seul.")
    return redirect("bilans:bilan_detail", pk=bilan.pk)


@role_required(*ALL_ROLES)
def bilan_detail(request, pk):
    bilan = _bilan_visible(request, pk)
    return render(request, "bilans/bilan_detail.html", {
        "bilan": bilan, "can_ask": perms.can_ask_bilan_for(request.user, bilan.acheteur)})


@role_required(*ALL_ROLES)
def bilan_etat(request, pk):
    """The state of a bilan, as JSON for the page that polls it (same shape as core:tache_detail)."""
    bilan = _bilan_visible(request, pk)
    return JsonResponse({
        "id": bilan.pk, "etat": bilan.etat, "etat_libelle": bilan.etat_libelle, "message": bilan.message,
        "fichier": bool(bilan.fichier), "produit_le": format_date(bilan.generated_at),
        "url": reverse("bilans:bilan_telecharger", kwargs={"pk": bilan.pk}) if bilan.fichier else "",
    })


@role_required(*ALL_ROLES)
def bilan_telecharger(request, pk):
    bilan = _bilan_visible(request, pk)
    if not bilan.fichier:
        raise Http404("Ce bilan n'est pas encore produit.")
    try:
        handle = bilan.fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Le fichier de ce bilan est introuvable : régénérez-le.") from exc
    return FileResponse(handle, as_attachment=True, filename=bilan.nom_fichier(), content_type="application/pdf")


@role_required(*perms.ROLES_DEMANDE)
@require_POST
def bilan_regenerer(request, pk):
    bilan = _bilan_visible(request, pk)
    if not perms.can_ask_bilan_for(request.user, bilan.acheteur):
        raise PermissionDenied
    try:
        nouveau = services.bilan_regenerer(bilan=bilan, user=request.user)
    except services.DemandeTropFrequente as exc:
        messages.error(request, str(exc))
        return redirect("bilans:bilan_detail", pk=bilan.pk)
    messages.info(request, "Nouveau bilan demandé avec les mêmes paramètres : son état s'affiche ci-dessous.")
    return redirect("bilans:bilan_detail", pk=nouveau.pk)




@role_required(*ALL_ROLES)
def figures_etat(request, pk):
    """The state of a scope's figures being computed, as JSON for the page that waits for them (only a state: no
    figure, no scope)."""
    ligne = get_object_or_404(FiguresCalculees.objects.select_related("tache"), pk=pk)
    if request.user.role == Role.PARTENAIRE and ligne.parametres.get("acheteur") != request.user.organisation_id:
        raise Http404  # a partner follows only its own organisation's figures (as its dashboard shows only those)
    tache = ligne.tache
    etat = tache.etat if tache is not None else ("terminee" if ligne.calcule_le else "en_attente")
    return JsonResponse({
        "id": ligne.pk, "etat": etat, "etat_libelle": tache.get_etat_display() if tache else "",
        "message": tache.message if tache is not None and tache.etat == tache.Etat.ECHEC else "",
        "calcule_le": format_date(ligne.calcule_le) if ligne.calcule_le else "",
    })
