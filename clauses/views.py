import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from core.history import history_for
from core.mixins import role_required
from core.perms import ALL_ROLES, can_see_history
from marches import services as marches_services
from marches.models import Marche
from marches.views.etat import dire_etat

from . import selectors, services
from .advisor import recommandations, regles, situation_pour
from .enums import AxeDiagnostic, TypeClause
from .forms import ClauseMarcheForm, ClauseModeleForm, DiagnosticForm, FamilleForm
from .models import ClauseMarche, ClauseModele, Diagnostic, FamilleAchat
from .perms import GESTION_REFERENTIEL, LECTURE_REFERENTIEL, can_edit_clauses, can_manage_referentiel


def _historique(request, obj):
    return history_for(obj) if can_see_history(request.user) else None


# --- Index ---------------------------------------------------------------------------------------------------

@role_required(*LECTURE_REFERENTIEL)
def index(request):
    familles = selectors.famille_list(actives=True)
    par_type = dict(
        ClauseModele.objects.filter(is_active=True).values_list("type_clause").annotate(n=Count("id"))
    )
    derniers = {}
    for diagnostic in Diagnostic.objects.select_related("famille").prefetch_related("reponses__question") \
            .order_by("famille__nom", "-annee"):
        derniers.setdefault(diagnostic.famille_id, (diagnostic, selectors.diagnostic_scores(diagnostic)))
    context = {
        "familles": familles,
        "types": [(value, label, par_type.get(value, 0)) for value, label in TypeClause.choices],
        "nb_clauses": sum(par_type.values()),
        "diagnostics": list(derniers.values()),
        "axes": AxeDiagnostic.choices,
        "can_manage": can_manage_referentiel(request.user),
        "a_examiner": selectors.marches_a_examiner(Marche.objects.visibles_par(request.user), request.user),
        "nb_clauses_marches": ClauseMarche.objects.filter(marche__in=Marche.objects.visibles_par(request.user))
        .count(),
    }
    return render(request, "clauses/index.html", context)


# --- Purchase families -----------------------------------------------------------------------------------------

@role_required(*LECTURE_REFERENTIEL)
def famille_list(request):
    statut = request.GET.get("statut", "actives")
    actives = {"actives": True, "archivees": False}.get(statut)
    return render(request, "clauses/famille_list.html", {
        "familles": selectors.famille_list(actives=actives), "statut": statut,
        "can_manage": can_manage_referentiel(request.user),
    })


@role_required(*LECTURE_REFERENTIEL)
def famille_detail(request, pk):
    famille = get_object_or_404(FamilleAchat, pk=pk)
    return render(request, "clauses/famille_detail.html", {
        "famille": famille,
        "clauses": famille.clauses_modeles.filter(is_active=True).order_by("type_clause", "titre"),
        "nb_marches": famille.marches.count(),
        "diagnostics": [(d, selectors.diagnostic_scores(d)) for d in selectors.diagnostics_de_famille(famille)],
        "axes": AxeDiagnostic.choices,
        "can_manage": can_manage_referentiel(request.user),
        "historique": _historique(request, famille),
    })


@role_required(*GESTION_REFERENTIEL)
def famille_form(request, pk=None):
    famille = get_object_or_404(FamilleAchat, pk=pk) if pk else None
    form = FamilleForm(request.POST or None, instance=famille)
    if request.method == "POST" and form.is_valid():
        famille = services.famille_save(famille=form.save(commit=False), user=request.user)
        messages.success(request, f"Famille « {famille} » enregistrée.")
        return redirect("clauses:famille_detail", pk=famille.pk)
    return render(request, "clauses/form.html", {
        "form": form, "titre": f"Modifier la famille « {famille} »" if famille else "Nouvelle famille d'achat",
        "retour": reverse("clauses:famille_detail", args=[famille.pk]) if famille else reverse("clauses:familles"),
    })


@role_required(*GESTION_REFERENTIEL)
def famille_archive(request, pk):
    famille = get_object_or_404(FamilleAchat, pk=pk)
    if request.method == "POST":
        services.famille_archive(famille=famille, user=request.user, active=not famille.is_active)
        messages.success(request, f"Famille « {famille} » {'réactivée' if famille.is_active else 'archivée'}.")
        return redirect("clauses:famille_detail", pk=famille.pk)
    return render(request, "clauses/confirm.html", {
        "titre": f"{'Réactiver' if not famille.is_active else 'Archiver'} la famille « {famille} »",
        "message": "Une famille archivée n'est plus proposée pour les nouveaux marchés ni déduite de leur CPV ; "
                   "les marchés qui la portent la gardent." if famille.is_active
        else "La famille sera de nouveau proposée et déduite du CPV des nouveaux marchés.",
        "bouton": "Archiver" if famille.is_active else "Réactiver",
        "danger": famille.is_active,
        "retour": reverse("clauses:famille_detail", args=[famille.pk]),
    })


@require_GET
@role_required(*LECTURE_REFERENTIEL)
def famille_suggestion(request):
    """JSON: the family suggested for a CPV code (for the contract form), with its defaults."""
    famille = selectors.famille_pour_cpv(request.GET.get("cpv", ""))
    if famille is None:
        return JsonResponse({"famille": None})
    return JsonResponse({"famille": {
        "id": famille.pk, "nom": famille.nom, "part_main_oeuvre": str(famille.part_main_oeuvre),
        "taux_insertion": str(famille.taux_insertion), "cout_horaire": str(famille.cout_horaire),
    }})


# --- Clause library ----------------------------------------------------------------------------------------------

@role_required(*LECTURE_REFERENTIEL)
def clausier(request):
    type_clause = request.GET.get("type", "")
    type_clause = type_clause if type_clause in TypeClause.values else ""
    statut = request.GET.get("statut", "actives")
    statut = statut if statut in ("actives", "archivees", "toutes") else "actives"
    try:
        famille_id = int(request.GET.get("famille") or 0) or None
    except ValueError:
        famille_id = None
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.clause_modele_list(type_clause=type_clause, famille_id=famille_id, statut=statut, q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "clauses/clausier.html", {
        "page_obj": page, "paginator": page.paginator, "modeles": page.object_list,
        "types": TypeClause.choices, "familles": FamilleAchat.objects.filter(is_active=True),
        "filtres": {"type": type_clause, "statut": statut, "famille": famille_id, "q": q},
        "can_manage": can_manage_referentiel(request.user),
    })


@role_required(*LECTURE_REFERENTIEL)
def clause_modele_detail(request, pk):
    modele = get_object_or_404(ClauseModele.objects.prefetch_related("familles"), pk=pk)
    versions = list(modele.versions.select_related("created_by").annotate(nb_usages=Count("usages")))
    return render(request, "clauses/clause_modele_detail.html", {
        "modele": modele, "versions": versions, "courante": versions[0] if versions else None,
        "can_manage": can_manage_referentiel(request.user),
        "historique": _historique(request, modele),
    })


@role_required(*GESTION_REFERENTIEL)
def clause_modele_form(request, pk=None):
    modele = get_object_or_404(ClauseModele, pk=pk) if pk else None
    form = ClauseModeleForm(request.POST or None, instance=modele)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            if modele is None:
                obj = services.clause_modele_create(modele=obj, texte=form.cleaned_data["texte"],
                                                    familles=form.cleaned_data["familles"], user=request.user)
                messages.success(request, f"Clause type « {obj} » créée.")
            else:
                obj, version = services.clause_modele_update(
                    modele=obj, texte=form.cleaned_data["texte"], familles=form.cleaned_data["familles"],
                    user=request.user, note=form.cleaned_data.get("note", ""))
                messages.success(request, f"Version {version.numero} créée : les marchés gardent la version qu'ils "
                                          f"utilisent." if version else "Clause type enregistrée (texte inchangé).")
            return redirect("clauses:clause_modele_detail", pk=obj.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "clauses/form.html", {
        "form": form, "titre": f"Modifier « {modele} »" if modele else "Nouvelle clause type",
        "retour": reverse("clauses:clause_modele_detail", args=[modele.pk]) if modele else reverse("clauses:clausier"),
    })


@role_required(*GESTION_REFERENTIEL)
def clause_modele_archive(request, pk):
    modele = get_object_or_404(ClauseModele, pk=pk)
    if request.method == "POST":
        services.clause_modele_archive(modele=modele, user=request.user, active=not modele.is_active)
        messages.success(request, f"Clause type « {modele} » {'réactivée' if modele.is_active else 'archivée'}.")
        return redirect("clauses:clause_modele_detail", pk=modele.pk)
    return render(request, "clauses/confirm.html", {
        "titre": f"{'Archiver' if modele.is_active else 'Réactiver'} la clause type « {modele} »",
        "message": "Une clause archivée n'est plus proposée ; les marchés qui l'utilisent gardent leur texte."
        if modele.is_active else "La clause sera de nouveau proposée aux acheteurs.",
        "bouton": "Archiver" if modele.is_active else "Réactiver", "danger": modele.is_active,
        "retour": reverse("clauses:clause_modele_detail", args=[modele.pk]),
    })


# --- Clauses of a contract -------------------------------------------------------------------------------------

def _marche_visible(request, pk):
    return get_object_or_404(Marche.objects.visibles_par(request.user).select_related("famille", "acheteur",
                                                                                       "direction"), pk=pk)


def _clause_visible(request, pk):
    clause = get_object_or_404(ClauseMarche.objects.select_related("marche", "lot", "version__modele"), pk=pk)
    if not Marche.objects.visibles_par(request.user).filter(pk=clause.marche_id).exists():
        raise Http404
    return clause


def _marche_url(marche):
    try:
        return reverse("marches:detail", args=[marche.pk])
    except NoReverseMatch:  # the contracts app may name it differently
        return None


@role_required(*ALL_ROLES)
def marche_clauses(request, marche_pk):
    marche = _marche_visible(request, marche_pk)
    clauses = list(selectors.clauses_du_marche(marche))
    return render(request, "clauses/marche_clauses.html", {
        "marche": marche, "clauses": clauses, "can_edit": can_edit_clauses(request.user, marche),
        "total_heures": sum(c.heures_requises for c in clauses), "marche_url": _marche_url(marche),
    })


@role_required(*ALL_ROLES)
def clause_ajout(request, marche_pk):
    """Step 1: pick a model clause (suggested by the advisor); step 2 (?modele=): its parameters."""
    marche = _marche_visible(request, marche_pk)
    if not can_edit_clauses(request.user, marche):
        raise PermissionDenied("Seuls la DCP et la direction du marché ajoutent des clauses.")
    modele_id = request.GET.get("modele") or request.POST.get("modele")
    if not modele_id:
        recos = recommandations(marche)
        autres = ClauseModele.objects.filter(is_active=True).order_by("type_clause", "titre")
        return render(request, "clauses/clause_choix.html", {
            "marche": marche, "recommandations": recos, "autres": autres,
        })
    try:
        modele = ClauseModele.objects.get(pk=int(modele_id), is_active=True)
    except (ValueError, ClauseModele.DoesNotExist):
        raise Http404 from None
    form = ClauseMarcheForm(request.POST or None, marche=marche, type_clause=modele.type_clause)
    if request.method == "POST" and form.is_valid():
        clause = form.save(commit=False)
        clause.version = modele.version_courante
        marches_services.clause_marche_save(clause=clause, user=request.user, reason="Ajout depuis le clausier")
        messages.success(request, f"Clause « {modele} » ajoutée.")
        dire_etat(request, marche.etat_derive)
        return redirect("clauses:marche_clauses", marche_pk=marche.pk)
    return render(request, "clauses/clause_form.html", {
        "form": form, "marche": marche, "modele": modele, "version": modele.version_courante,
        "titre": f"Ajouter « {modele} »",
    })


@role_required(*ALL_ROLES)
def clause_modifier(request, pk):
    clause = _clause_visible(request, pk)
    marche = clause.marche
    if not can_edit_clauses(request.user, marche):
        raise PermissionDenied("Seuls la DCP et la direction du marché modifient ses clauses.")
    courante = clause.version.modele.version_courante if clause.version_id else None
    nouvelle = courante if courante and courante.pk != clause.version_id else None
    form = ClauseMarcheForm(request.POST or None, instance=clause, marche=marche, type_clause=clause.type_clause,
                            nouvelle_version=nouvelle)
    if request.method == "POST" and form.is_valid():
        clause = form.save(commit=False)
        if nouvelle and form.cleaned_data.get("maj_version"):
            clause.version = nouvelle
        marches_services.clause_marche_save(clause=clause, user=request.user, reason="Modification")
        messages.success(request, "Clause enregistrée.")
        dire_etat(request, marche.etat_derive)
        return redirect("clauses:marche_clauses", marche_pk=marche.pk)
    return render(request, "clauses/clause_form.html", {
        "form": form, "marche": marche, "clause": clause, "version": clause.version,
        "modele": clause.version.modele if clause.version_id else None,
        "titre": f"Modifier la clause « {clause.get_type_clause_display()} »",
        "historique": _historique(request, clause),
    })


@role_required(*ALL_ROLES)
def clause_supprimer(request, pk):
    clause = _clause_visible(request, pk)
    marche = clause.marche
    if not can_edit_clauses(request.user, marche):
        raise PermissionDenied("Seuls la DCP et la direction du marché suppriment ses clauses.")
    if request.method == "POST":
        etat = marches_services.clause_marche_delete(clause=clause, user=request.user)
        messages.success(request, "Clause supprimée ; les considérations du marché ont été mises à jour.")
        dire_etat(request, etat)
        return redirect("clauses:marche_clauses", marche_pk=marche.pk)
    return render(request, "clauses/confirm.html", {
        "titre": f"Supprimer la clause « {clause.get_type_clause_display()} »",
        "message": f"Du marché {marche}. Les considérations sociales et environnementales du marché seront "
                   f"recalculées.", "bouton": "Supprimer", "danger": True,
        "retour": reverse("clauses:marche_clauses", args=[marche.pk]),
    })


@role_required(*ALL_ROLES)
def clause_telecharger(request, pk):
    clause = _clause_visible(request, pk)
    fmt = request.GET.get("format", "txt")
    titre = clause.version.modele.titre if clause.version_id else clause.get_type_clause_display()
    marche = clause.marche
    if fmt == "md":
        body = f"# {titre}\n\n*Marché {marche.identifiant} — {marche.objet}*\n\n{clause.texte}\n"
        content_type, ext = "text/markdown; charset=utf-8", "md"
    else:
        body = f"{titre}\n\n{clause.texte}\n"
        content_type, ext = "text/plain; charset=utf-8", "txt"
    response = HttpResponse(body, content_type=content_type)
    name = slugify(f"clause-{marche.identifiant or marche.pk}-{clause.type_clause}") or "clause"
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


# --- Advisor ---------------------------------------------------------------------------------------------------

@role_required(*ALL_ROLES)
def conseil(request, marche_pk):
    marche = _marche_visible(request, marche_pk)
    situation = situation_pour(marche)
    return render(request, "clauses/conseil.html", {
        "marche": marche, "situation": situation, "recommandations": regles(situation),
        "can_edit": can_edit_clauses(request.user, marche), "marche_url": _marche_url(marche),
    })


def _decimal_param(value):
    try:
        result = Decimal(str(value).replace("\u202f", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() and result >= 0 else None


@role_required(*LECTURE_REFERENTIEL)
def conseil_brouillon(request):
    """JSON advice while drafting a contract: GET famille, montant, date_lancement (AAAA-MM-JJ), cpv."""
    user = request.user
    marche = Marche(acheteur=user.organisation, objet="", code_cpv=request.GET.get("cpv", "")[:10])
    famille_id = request.GET.get("famille", "")
    if famille_id.isdigit():
        marche.famille = FamilleAchat.objects.filter(pk=int(famille_id)).first()
    marche.valeur_estimee_ht = _decimal_param(request.GET.get("montant", "")) if request.GET.get("montant") else None
    try:
        marche.date_lancement = datetime.date.fromisoformat(request.GET.get("date_lancement", ""))
    except ValueError:
        marche.date_lancement = None
    situation = situation_pour(marche)
    return JsonResponse({
        "famille": situation.famille_nom or None,
        "recommandations": [r.as_dict() for r in regles(situation)],
    }, json_dumps_params={"ensure_ascii": False})


# --- Self-diagnosis --------------------------------------------------------------------------------------------

def _actions(diagnostic):
    """Suggested actions: the questions scored 0 or 1, lowest first."""
    reponses = sorted((r for r in diagnostic.reponses.all() if r.note <= 1),
                      key=lambda r: (r.note, r.question.axe, r.question.ordre))
    return [(r.question, r.note) for r in reponses if r.question.action]


@role_required(*LECTURE_REFERENTIEL)
def diagnostics(request):
    familles = list(FamilleAchat.objects.filter(is_active=True).order_by("nom"))
    par_famille = {}
    for d in Diagnostic.objects.prefetch_related("reponses__question").order_by("famille_id", "-annee"):
        par_famille.setdefault(d.famille_id, (d, selectors.diagnostic_scores(d)))
    lignes = [(f, *par_famille.get(f.pk, (None, {}))) for f in familles]
    return render(request, "clauses/diagnostics.html", {
        "lignes": lignes, "axes": AxeDiagnostic.choices, "annee": datetime.date.today().year,
        "can_manage": can_manage_referentiel(request.user),
    })


@role_required(*LECTURE_REFERENTIEL)
def diagnostic_famille(request, famille_pk):
    famille = get_object_or_404(FamilleAchat, pk=famille_pk)
    historique = [(d, selectors.diagnostic_scores(d)) for d in selectors.diagnostics_de_famille(famille)]
    dernier = historique[-1][0] if historique else None
    chart = {
        "labels": [str(d.annee) for d, _ in historique],
        "datasets": [{"label": label, "data": [s.get(axe) for _, s in historique]}
                     for axe, label in AxeDiagnostic.choices],
    }
    return render(request, "clauses/diagnostic_famille.html", {
        "famille": famille, "historique_diag": list(reversed(historique)), "axes": AxeDiagnostic.choices,
        "chart": chart, "actions": _actions(dernier) if dernier else [],
        "dernier": dernier, "annee": datetime.date.today().year,
        "can_manage": can_manage_referentiel(request.user),
        "historique": _historique(request, dernier) if dernier else None,
    })


@role_required(*GESTION_REFERENTIEL)
def diagnostic_saisie(request, famille_pk, annee):
    famille = get_object_or_404(FamilleAchat, pk=famille_pk)
    if not 2000 <= annee <= 2100:
        raise Http404
    questions = selectors.diagnostic_questions()
    diagnostic = Diagnostic.objects.filter(famille=famille, annee=annee).first()
    source = diagnostic or Diagnostic.objects.filter(famille=famille, annee__lt=annee).order_by("-annee").first()
    initial_notes = {r.question_id: r.note for r in source.reponses.all()} if source else {}
    form = DiagnosticForm(request.POST or None, questions=questions, initial_notes=initial_notes,
                          initial={"commentaire": diagnostic.commentaire if diagnostic else ""})
    if request.method == "POST" and form.is_valid():
        services.diagnostic_save(famille=famille, annee=annee, notes=form.notes(),
                                 commentaire=form.cleaned_data["commentaire"], user=request.user)
        messages.success(request, f"Autodiagnostic {annee} de « {famille} » enregistré.")
        return redirect("clauses:diagnostic_famille", famille_pk=famille.pk)
    return render(request, "clauses/diagnostic_saisie.html", {
        "famille": famille, "annee": annee, "form": form, "diagnostic": diagnostic,
        "prerempli": source is not None and diagnostic is None, "source": source,
    })


