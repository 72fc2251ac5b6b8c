"""The FSE+ pages: operations (list, edition, page with their participations and how complete each is), a
participation's entry questionnaire, exit and 6-month answers, the completeness page, the report of the common
indicators and the participant-level XLSX for the managing authority. Views parse, check, call, render; every
write goes through fse.services (history)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from core.history import historique_pour
from core.mixins import role_required
from core.parametres import parametres_lire
from core.perms import restricted_organisation
from facilitateurs.enums import CategorieSortie

from . import exports, indicateurs, selectors, services
from .forms import (
    ListeParametres,
    OperationForm,
    OperationParametres,
    ParticipationForm,
    RapportParametres,
    SortieFSEForm,
    SuiviFSEForm,
)
from .perms import RAPPORT, SAISIE, operations_du_rapport, peut_lire_rapport, voit_valeurs_exactes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAR_PAGE = 50


def _erreurs(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field when the form has it, else above it."""
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, exc.messages)


def _operation(pk):
    operation = selectors.operation(pk)
    if operation is None:
        raise Http404("Opération introuvable.")
    return operation


def _participation(pk):
    participation = selectors.participation(pk)
    if participation is None:
        raise Http404("Participation introuvable.")
    return participation


ETAPES = {selectors.ENTREE: ("Données d'entrée", "fse:participation_update"),
          selectors.SORTIE: ("Réponses à la sortie", "fse:participation_sortie"),
          selectors.SIX_MOIS: ("Suivi à 6 mois", "fse:participation_suivi")}


def _liens(manque):
    """What is missing, each with the page where it is entered."""
    manque.liens = [{"libelle": ETAPES.get(etape, (etape, ""))[0],
                     "url": reverse(ETAPES[etape][1], args=[manque.participation.pk]) if etape in ETAPES else ""}
                    for etape in manque.manques]
    return manque


def _page(request, objets):
    page = Paginator(objets, PAR_PAGE).get_page(request.GET.get("page"))
    return {"page_obj": page, "object_list": page.object_list, "paginator": page.paginator}


# Operations ---------------------------------------------------------------------------------------------------

@role_required(*SAISIE)
def operation_list(request):
    q = parametres_lire(ListeParametres, request.GET).get("q", "").strip()
    return render(request, "fse/operation_list.html", {**_page(request, selectors.operations(q=q)), "q": q})


@role_required(*SAISIE)
def operation_form(request, pk=None):
    operation = _operation(pk) if pk else None
    form = OperationForm(request.POST or None, instance=operation)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.operation_enregistrer(user=request.user, instance=operation, **form.champs())
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, "Opération enregistrée.")
            return redirect("fse:operation_detail", pk=operation.pk)
    return render(request, "fse/form.html", {
        "form": form, "operation": operation,
        "titre": f"Modifier l'opération {operation.reference}" if operation else "Nouvelle opération FSE+",
        "historique": historique_pour(operation, request.user) if operation else None})


@role_required(*SAISIE)
def operation_detail(request, pk):
    operation = _operation(pk)
    today = timezone.localdate()
    manques = {m.participation.pk: _liens(m) for m in selectors.a_completer(aujourd_hui=today, operation=operation)}
    contexte = _page(request, selectors.participations(operation=operation))
    for participation in contexte["object_list"]:
        participation.manque = manques.get(participation.pk)
    return render(request, "fse/operation_detail.html", {
        **contexte, "operation": operation, "today": today, "nb_a_completer": len(manques),
        "categories_sortie": dict(CategorieSortie.choices),
        "nb_en_retard": sum(m.en_retard for m in manques.values()),
        "historique": historique_pour(operation, request.user)})


# Participations -----------------------------------------------------------------------------------------------

def _participation_page(request, participation, form, titre, etape):
    return render(request, "fse/participation_form.html", {
        "form": form, "participation": participation, "operation": participation.operation, "etape": etape,
        "sortie": selectors.sortie_de(participation), "titre": titre,
        "historique": historique_pour(participation, request.user)})


@role_required(*SAISIE)
def participation_create(request, pk):
    operation = _operation(pk)
    form = ParticipationForm(request.POST or None, operation=operation)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_enregistrer(user=request.user, **form.champs())
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, f"Entrée de {form.participant.code} dans l'opération enregistrée.")
            return redirect("fse:operation_detail", pk=operation.pk)
    return render(request, "fse/participation_form.html", {
        "form": form, "operation": operation, "etape": "entree",
        "titre": f"Ajouter un participant à l'opération {operation.reference}"})


@role_required(*SAISIE)
def participation_update(request, pk):
    participation = _participation(pk)
    form = ParticipationForm(request.POST or None, instance=participation, operation=participation.operation)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_enregistrer(user=request.user, instance=participation, **form.champs())
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, f"Questionnaire d'entrée de {participation.participant.code} enregistré.")
            return redirect("fse:operation_detail", pk=participation.operation_id)
    return _participation_page(request, participation, form,
                               f"Questionnaire d'entrée de {participation.participant.code}", "entree")


def _reponses(request, pk, form_class, titre, succes, etape):
    participation = _participation(pk)
    form = form_class(request.POST or None, participation=participation)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_enregistrer(user=request.user, instance=participation, **form.champs())
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, succes.format(code=participation.participant.code))
            return redirect("fse:operation_detail", pk=participation.operation_id)
    return _participation_page(request, participation, form, titre.format(code=participation.participant.code),
                               etape)


@role_required(*SAISIE)
def participation_sortie(request, pk):
    return _reponses(request, pk, SortieFSEForm, "Sortie de {code}", "Réponses à la sortie de {code} enregistrées.",
                     "sortie")


@role_required(*SAISIE)
def participation_suivi(request, pk):
    return _reponses(request, pk, SuiviFSEForm, "Suivi à 6 mois de {code}",
                     "Suivi à 6 mois de {code} enregistré.", "suivi")


# Completeness -------------------------------------------------------------------------------------------------

@role_required(*SAISIE)
def a_completer(request):
    """Participations whose entry, exit or 6-month data are missing or overdue: overdue first, then by due date."""
    today = timezone.localdate()
    operation_id = parametres_lire(OperationParametres, request.GET).get("operation")
    operations = list(selectors.operations())
    operation = next((o for o in operations if o.pk == operation_id), None)
    # By due date: the overdue (due before today) come first.
    manques = [_liens(m) for m in selectors.a_completer(aujourd_hui=today, operation=operation)]
    return render(request, "fse/a_completer.html", {
        **_page(request, manques), "operations": operations, "operation": operation, "today": today,
        "nb_en_retard": sum(m.en_retard for m in manques), "total": len(manques)})


# Report and export --------------------------------------------------------------------------------------------

def _rapport_parametres(request, operations):
    params = parametres_lire(RapportParametres, request.GET)
    annee = params.get("annee") or timezone.localdate().year
    operation = next((o for o in operations if o.pk == params.get("operation")), None)
    return annee, operation


@role_required(*RAPPORT)
def rapport(request):
    """The common output and result indicators of a year (and an operation): exact for facilitators and
    administrators; for élus, the DCP and partners (their conventions only), cells under 3 people grouped."""
    user = request.user
    if not peut_lire_rapport(user):
        raise PermissionDenied("Votre compte n'est rattaché à aucun acheteur partenaire.")
    operations = list(operations_du_rapport(user))
    annee, operation = _rapport_parametres(request, operations)
    partenaire = restricted_organisation(user)
    resultat = indicateurs.rapport(annee=annee, operation=operation, partenaire=partenaire,
                                   aujourd_hui=timezone.localdate())
    exact = voit_valeurs_exactes(user)
    if not exact:
        resultat = indicateurs.masquer(resultat)
    this_year = timezone.localdate().year
    return render(request, "fse/rapport.html", {
        "rapport": resultat, "lignes": _lignes(resultat), "annee": annee, "operation": operation,
        "operations": operations, "annees": range(this_year, 2020, -1), "exact": exact,
        "partenaire": partenaire})


SEXES = (("F", "Femmes"), ("M", "Hommes"), ("X", "Non précisé"))


def _lignes(resultat) -> list[dict]:
    """One row per indicator of the report: its definition, its value and its values by sex."""
    par_sexe = resultat.par_sexe or {}
    lignes = []
    for definition in resultat.definitions:
        sexes = par_sexe.get(definition.code) or {}
        lignes.append({"definition": definition, "valeur": resultat.indicateurs.get(definition.code),
                       "sexes": [sexes.get(cle) for cle, _libelle in SEXES]})
    return lignes


@role_required(*SAISIE)
def export_xlsx(request):
    """One row per participant of the year (and operation), codes only, no name: for the managing authority."""
    annee, operation = _rapport_parametres(request, list(operations_du_rapport(request.user)))
    contenu = exports.participants_xlsx(annee=annee, operation=operation)
    nom = f"fse-participants-{annee}" + (f"-{slugify(operation.reference)}" if operation else "") + ".xlsx"
    response = HttpResponse(contenu, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, nom)
    return response
