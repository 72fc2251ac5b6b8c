"""The register of contracts: filtered list and its export, a contract's page, its entry and edition, its lots,
companies and amendments."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from core import tabular
from core.concurrence import ConflitModification
from core.donnees import cle
from core.enums import Role
from core.history import historique_pour
from core.mixins import RoleRequiredMixin, role_required
from core.perms import ALL_ROLES

from .. import perms, register, selectors, services
from ..compliance import DATE_OBLIGATIONS, soumis
from ..etat import DECLAREES, DRAPEAUX, considerations_deduites_seules
from ..filters import MarcheFilter
from ..forms import AttributionForm, LotForm, MarcheForm, ModificationForm
from ..models import Attribution, Lot, Marche, Modification
from .etat import dire_etat


def _filtered(request):
    filterset = MarcheFilter(request.GET or None, queryset=selectors.marche_list(user=request.user),
                             user=request.user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if not request.GET.get("tri"):
        queryset = queryset.order_by("-date_notification", "-id")
    return filterset, queryset


def _nombre_memorise(queryset, plafond: int | None = None):
    """The exact number of rows of the list's query (at most `plafond` + 1 when given), counted once per data
    version (core.donnees: any write moves it, so a number is never served after a change), per query (its SQL
    holds the filters and the user's visibility) and per cap (a search with invalid filters has the unfiltered
    list's SQL: its capped number is not the list's); counting 100,000 contracts on each display was the page's
    costliest query."""
    queryset = queryset.order_by()
    sql, params = queryset.values("pk").query.sql_with_params()  # the filters, not the columns
    key = cle("marches:liste:nombre", sql=sql, params=params, plafond=plafond)
    nombre = cache.get(key)
    if nombre is None:
        nombre = (queryset if plafond is None else queryset[: plafond + 1]).count()
        cache.set(key, nombre, settings.INDICATEURS_CACHE_SECONDES)
    return nombre


class ListePaginator(Paginator):
    @cached_property
    def count(self):
        return _nombre_memorise(self.object_list)


class CappedPaginator(Paginator):
    """Counts at most CAP rows: a text search matching a third of 100,000 contracts would otherwise spend
    most of the page's time counting them. The page says "plus de 10 000"."""

    CAP = 10_000

    @cached_property
    def count(self):
        return _nombre_memorise(self.object_list, plafond=self.CAP)


class MarcheListView(RoleRequiredMixin, ListView):
    roles = ALL_ROLES
    template_name = "marches/marche_list.html"
    paginate_by = 50

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.request.GET.get("q", "").strip():
            return CappedPaginator(queryset, per_page, **kwargs)
        return ListePaginator(queryset, per_page, **kwargs)

    # What a row shows (templates/marches/marche_list.html): the contract's 60 columns, four of them JSON, and its
    # related rows' whole columns were read, converted and compiled into SQL for 50 rows on each display.
    COLONNES = ("identifiant", "objet", "date_notification", "montant_ht", "statut_conformite", "clause_sociale",
                "critere_social", "marche_reserve", "clause_environnementale", "critere_environnemental",
                "acheteur__nom", "direction__nom", "direction__sigle", "famille__nom")

    def get_queryset(self):
        self.filterset, queryset = _filtered(self.request)
        return queryset.only(*self.COLONNES)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["can_create"] = perms.can_create_marche(self.request.user)
        context["can_import"] = perms.can_import(self.request.user)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        context["nb_plafonne"] = isinstance(context["paginator"], CappedPaginator) and \
            context["paginator"].count > CappedPaginator.CAP
        # The filters' form rendered once per data version (its lists of buyers, directions and families), per
        # query (the values chosen, the errors), per scope (a partner's lists are its own) and per year (the
        # list of years): its 80 options cost a third of the page's rendering.
        user = self.request.user
        portee = f"partenaire-{user.organisation_id}" if user.role == "partenaire" else "tous"
        annee = datetime.date.today().year  # as the filter's list of years (marches.filters._years)
        context["filtres_cle"] = cle("marches:liste:filtres", annee=annee, portee=portee, query=context["query"])
        context["filtres_secondes"] = settings.INDICATEURS_CACHE_SECONDES
        # Each row's link: the detail URL reversed once, the row's pk put in its place (50 reverse() a page).
        context["url_detail_avant"], context["url_detail_apres"] = \
            reverse("marches:detail", kwargs={"pk": 987654321}).split("987654321")
        return context


XLSX_MAX = 50_000


@role_required(*ALL_ROLES)
def marche_export(request):
    """The filtered list as CSV (streamed) or XLSX."""
    _, queryset = _filtered(request)
    columns = register.COLUMNS + register.LIST_EXTRA_COLUMNS
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("format") == "xlsx":
        if queryset.count() > XLSX_MAX:  # a workbook is built in memory: beyond this, the streamed CSV
            messages.warning(request, f"Plus de {XLSX_MAX:_} marchés : exportez en CSV ou affinez les filtres."
                             .replace("_", "\u202f"))
            query = request.GET.copy()
            query.pop("format", None)
            return redirect(f"{reverse('marches:list')}?{query.urlencode()}")
        response = HttpResponse(
            tabular.xlsx_bytes(columns, register.rows(queryset)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"marches-{stamp}.xlsx")
        return response
    response = StreamingHttpResponse(tabular.csv_stream(columns, register.rows(queryset)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"marches-{stamp}.csv")
    return response


def _marche_editable(request, pk) -> Marche:
    marche = selectors.marche_detail(user=request.user, pk=pk)  # 404 for a partner's other buyers
    if not perms.can_edit_marche(request.user, marche):
        raise PermissionDenied("Vous ne pouvez pas modifier ce marché.")
    return marche


def _deduites(marche) -> set[str]:
    """The considerations the page marks « déduite des clauses »: it reads them only under a consideration the
    contract has and did not declare, so the clauses are read only for such a contract."""
    if not any(getattr(marche, name) and not getattr(marche, DECLAREES[name]) for name in DRAPEAUX):
        return set()
    return considerations_deduites_seules(marche, set(marche.clauses.order_by().values_list("type_clause", flat=True)))


@role_required(*ALL_ROLES)
def marche_detail(request, pk):
    marche = selectors.marche_detail(user=request.user, pk=pk)
    attributions = list(marche.attributions.select_related("entreprise", "lot").order_by("role", "id"))
    context = {
        "marche": marche,
        # One contract's rows: ordered on their own columns (the models' ordering starts with the contract, which
        # joined marches_marche to sort on its date).
        "lots": marche.lots.order_by("numero", "id"),
        "attributions": attributions,
        "modifications": marche.modifications.order_by("numero", "id"),
        "can_edit": perms.can_edit_marche(request.user, marche),
        "soumis": soumis(marche),
        "deduites": _deduites(marche),
        "date_obligations": DATE_OBLIGATIONS,
        "historique": historique_pour(marche, request.user),
    }
    return render(request, "marches/marche_detail.html", context)


@role_required(*perms.EDITEURS)
def marche_create(request):
    # ?objet= pre-fills the object (the buyer's home offers it for a programmed purchase).
    form = MarcheForm(request.POST or None, user=request.user, initial={"objet": request.GET.get("objet", "")[:500]})
    if request.method == "POST" and form.is_valid():
        marche = services.marche_enregistrer(marche=form.save(commit=False), user=request.user, reason="Saisie")
        messages.success(request, f"Marché « {marche.identifiant} » enregistré.")
        dire_etat(request, marche.etat_derive)
        return redirect("marches:detail", pk=marche.pk)
    return render(request, "marches/form.html", {"form": form, "titre": "Nouveau marché"})


@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def marche_update(request, pk):
    marche = _marche_editable(request, pk)
    form = MarcheForm(request.POST or None, instance=marche, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            marche = services.marche_enregistrer(marche=form.save(commit=False), user=request.user, reason="Modification",
                                          version=form.version_vue())
        except ConflitModification as conflit:  # changed by someone else since the form was opened
            form.signaler_conflit(conflit)
        except ValidationError as erreur:  # e.g. a buyer change refused while a convention covers the contract
            form.add_error(None, erreur)
        else:
            messages.success(request, "Marché enregistré.")
            dire_etat(request, marche.etat_derive)
            return redirect("marches:detail", pk=marche.pk)
    return render(request, "marches/form.html", {"form": form, "titre": f"Modifier {marche}", "marche": marche})


@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def lot_create(request, pk):
    marche = _marche_editable(request, pk)
    form = LotForm(request.POST or None, marche=marche)
    if request.method == "POST" and form.is_valid():
        lot = form.save(commit=False)
        lot.marche = marche
        services.lot_enregistrer(lot=lot, user=request.user)
        messages.success(request, f"{lot} ajouté.")
        dire_etat(request, marche.etat_derive)
        return redirect("marches:detail", pk=marche.pk)
    return render(request, "marches/form.html", {"form": form, "titre": f"Nouveau lot — {marche}", "marche": marche})


@require_POST
@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def lot_delete(request, pk):
    lot = get_object_or_404(Lot.objects.select_related("marche"), pk=pk)
    _marche_editable(request, lot.marche_id)
    etat = services.lot_supprimer(lot=lot, user=request.user)
    messages.success(request, "Lot supprimé.")
    dire_etat(request, etat)
    return redirect("marches:detail", pk=lot.marche_id)


@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def attribution_create(request, pk):
    marche = _marche_editable(request, pk)
    form = AttributionForm(request.POST or None, marche=marche)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entreprise, _ = services.entreprise_obtenir_ou_creer(siret=data["siret"], nom=data["nom"], user=request.user)
        services.attribution_enregistrer(
            attribution=Attribution(marche=marche, entreprise=entreprise, role=data["role"], lot=data["lot"],
                                    montant_ht=data["montant_ht"]),
            user=request.user,
        )
        messages.success(request, f"{entreprise} ajoutée.")
        dire_etat(request, marche.etat_derive)
        return redirect("marches:detail", pk=marche.pk)
    return render(request, "marches/form.html",
                  {"form": form, "titre": f"Ajouter une entreprise — {marche}", "marche": marche})


@require_POST
@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def attribution_delete(request, pk):
    attribution = get_object_or_404(Attribution, pk=pk)
    _marche_editable(request, attribution.marche_id)
    etat = services.attribution_supprimer(attribution=attribution, user=request.user)
    messages.success(request, "Entreprise retirée du marché.")
    dire_etat(request, etat)
    return redirect("marches:detail", pk=attribution.marche_id)


@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def modification_create(request, pk):
    marche = _marche_editable(request, pk)
    form = ModificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        modification = form.save(commit=False)
        modification.marche = marche
        services.modification_enregistrer(modification=modification, user=request.user)
        messages.success(request, f"{modification} enregistrée.")
        dire_etat(request, marche.etat_derive)
        return redirect("marches:detail", pk=marche.pk)
    return render(request, "marches/form.html",
                  {"form": form, "titre": f"Nouvel avenant — {marche}", "marche": marche})


@require_POST
@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def modification_delete(request, pk):
    modification = get_object_or_404(Modification, pk=pk)
    _marche_editable(request, modification.marche_id)
    etat = services.modification_supprimer(modification=modification, user=request.user)
    messages.success(request, "Avenant supprimé.")
    dire_etat(request, etat)
    return redirect("marches:detail", pk=modification.marche_id)
