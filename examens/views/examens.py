"""The examinations' pages: list, opening on a contract, detail with each party's step, the figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bilans.definitions import DEFINITIONS
from clauses.enums import TypeClause
from core.history import historique_pour
from core.mixins import role_required
from core.parametres import AnneeField, ParametresForm, parametres_lire
from marches.models import Marche

from .. import selectors, services
from ..enums import Reponse, StatutExamen, TypeAvis
from ..forms import AvisForm, DecisionForm, FiltreForm, LancementForm, OuvertureForm
from ..perms import CHIFFRES, DECIDEURS, LECTEURS, can_decide, can_give_avis, can_launch, can_open_examen
from ..questions import questions_pour
from ..regles import clauses_proposees


def _erreurs(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field when the form has it, else above it."""
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, exc.messages)


def _examen(request, pk):
    examen = selectors.examen_detail(user=request.user, pk=pk)
    if examen is None:
        raise Http404("Examen introuvable.")
    return examen


@role_required(*LECTEURS)
def examen_list(request):
    filtres = FiltreForm(request.GET or None)
    params = filtres.cleaned_data if filtres.is_valid() else {}
    qs = selectors.examen_list(user=request.user, statut=params.get("statut", ""), q=params.get("q", ""))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "examens/examen_list.html", {
        "page_obj": page, "paginator": page.paginator, "object_list": page.object_list, "filtres": filtres,
        "en_cours": selectors.en_cours(request.user), "statuts": StatutExamen, "today": timezone.localdate(),
    })


@role_required(*LECTEURS)
def examen_ouvrir(request, marche_pk):
    marche = get_object_or_404(Marche.objects.visibles_par(request.user).select_related("acheteur", "famille"),
                               pk=marche_pk)
    if not can_open_examen(request.user, marche):
        raise PermissionDenied("Vous ne pouvez pas ouvrir l'examen de ce marché.")
    existant = selectors.examen_de_marche(marche)
    if existant is not None:
        messages.info(request, "Ce marché a déjà un examen.")
        return redirect("examens:detail", pk=existant.pk)
    questions = questions_pour(marche.famille)
    initial = {"date_lancement_prevue": marche.date_lancement} if marche.date_lancement else {}
    form = OuvertureForm(request.POST or None, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            examen = services.examen_creer(marche=marche, user=request.user,
                                           date_lancement_prevue=form.cleaned_data["date_lancement_prevue"],
                                           questions=form.reponses())
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, "Examen ouvert : le facilitateur est invité à donner son avis.")
            return redirect("examens:detail", pk=examen.pk)
    return render(request, "examens/ouverture.html", {"marche": marche, "form": form})


def _questions_lues(examen):
    libelles = dict(Reponse.choices)
    return [{"question": q, "reponse": libelles.get(examen.questions.get(q.code, ""), "Pas encore étudié")}
            for q in questions_pour(examen.marche.famille)]


@role_required(*LECTEURS)
def examen_detail(request, pk):
    examen = _examen(request, pk)
    user = request.user
    context = {
        "examen": examen, "marche": examen.marche, "questions": _questions_lues(examen),
        "avis_types": [TypeAvis(t).label for t in examen.avis_types if t in TypeAvis.values],
        "decision_libelles": _decision_libelles(examen), "today": timezone.localdate(),
        "historique": historique_pour(examen, user),
    }
    if can_give_avis(user, examen):
        context["avis_form"] = AvisForm(initial=_avis_initial(examen))
    if can_decide(user, examen):
        context["decision_form"] = DecisionForm(initial=_decision_initial(examen))
    if can_launch(user, examen):
        context["lancement_form"] = LancementForm(initial={"date": timezone.localdate()})
    return render(request, "examens/examen_detail.html", context)


def _decision_libelles(examen):
    return [TypeClause(t).label for t in examen.decision_types if t in TypeClause.values]


def _avis_initial(examen):
    if examen.avis_clause is None:
        return {}
    return {"clause": "oui" if examen.avis_clause else "non", "types": examen.avis_types,
            "heures": examen.avis_heures, "contexte": examen.avis_contexte, "motifs": examen.avis_motifs}


def _decision_initial(examen):
    """The facilitator's proposal as the decision's starting point."""
    return {"types": clauses_proposees(examen.avis_types), "heures": examen.avis_heures}


def _etape(request, pk, *, permis, form_class, titre, appeler, succes):
    """One step's page (GET: its form alone; POST: the service, then back to the examination)."""
    examen = _examen(request, pk)
    if not permis(request.user, examen):
        raise PermissionDenied("Cette étape n'est pas la vôtre, ou elle est déjà passée.")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeler(examen, form.cleaned_data)
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, succes)
            return redirect("examens:detail", pk=examen.pk)
    return render(request, "examens/etape.html", {"examen": examen, "marche": examen.marche, "form": form,
                                                  "titre": titre})


@role_required(*LECTEURS)
def examen_avis(request, pk):
    def appeler(examen, data):
        services.examen_avis_enregistrer(examen=examen, user=request.user, clause=data["clause"],
                                         types=data["types"], heures=data["heures"], contexte=data["contexte"],
                                         motifs=data["motifs"])

    return _etape(request, pk, permis=can_give_avis, form_class=AvisForm, titre="Avis du facilitateur",
                  appeler=appeler, succes="Avis enregistré : la DCP est invitée à décider.")


@role_required(*DECIDEURS)
def examen_decision(request, pk):
    def appeler(examen, data):
        services.examen_decision_enregistrer(
            examen=examen, user=request.user, types=data["types"], heures=data["heures"],
            motif_non_retenu=data["motif_non_retenu"], derogation_justification=data["derogation_justification"],
            commentaire=data["commentaire"])

    return _etape(request, pk, permis=can_decide, form_class=DecisionForm, titre="Décision de la DCP",
                  appeler=appeler, succes="Décision enregistrée : les clauses décidées sont sur le marché.")


@role_required(*LECTEURS)
@require_POST
def examen_lancement(request, pk):
    def appeler(examen, data):
        services.examen_lancement_enregistrer(examen=examen, user=request.user, date=data["date"])

    return _etape(request, pk, permis=can_launch, form_class=LancementForm, titre="Lancement de la consultation",
                  appeler=appeler, succes="Lancement enregistré.")


class ChiffresParametres(ParametresForm):
    annee = AnneeField(min_value=2000, max_value=2100)


def _annee(request) -> int:
    return parametres_lire(ChiffresParametres, request.GET).get("annee") or timezone.localdate().year


@role_required(*CHIFFRES)
def chiffres(request):
    """The examinations' figures for the instance's own contracts (élus: figures only, no examination)."""
    annee = _annee(request)
    data = selectors.examens_chiffres(marches=selectors.marches_du_perimetre(), annee=annee)
    annees = range(timezone.localdate().year, timezone.localdate().year - 6, -1)
    return render(request, "examens/chiffres.html", {"data": data, "annee": annee, "annees": annees,
                                                      "en_cours": selectors.en_cours(request.user),
                                                      "statuts": StatutExamen, "definitions": DEFINITIONS})
