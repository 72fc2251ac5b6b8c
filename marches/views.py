"""Contract register pages: parse, check permission, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from core import tabular
from core.concurrence import ConflitModification
from core.enums import Role
from core.history import history_for
from core.mixins import RoleRequiredMixin, role_required
from core.perms import ALL_ROLES, can_see_history

from . import perms, register, selectors, services
from .compliance import DATE_OBLIGATIONS, soumis
from .etat import considerations_deduites_seules
from .filters import MarcheFilter
from .forms import AttributionForm, EntrepriseForm, LotForm, MarcheForm, ModificationForm, SeuilForm
from .models import Attribution, Lot, Marche, Modification, SeuilEuropeen


def _filtered(request):
    filterset = MarcheFilter(request.GET or None, queryset=selectors.marche_list(user=request.user),
                             user=request.user)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if not request.GET.get("tri"):
        queryset = queryset.order_by("-date_notification", "-id")
    return filterset, queryset


class CappedPaginator(Paginator):
    """Counts at most CAP rows: a text search matching a third of 100,000 contracts would otherwise spend
    most of the page's time counting them. The page says "plus de 10 000"."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()


class MarcheListView(RoleRequiredMixin, ListView):
    roles = ALL_ROLES
    template_name = "marches/marche_list.html"
    paginate_by = 50

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.request.GET.get("q", "").strip():
            return CappedPaginator(queryset, per_page, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_queryset(self):
        self.filterset, queryset = _filtered(self.request)
        return queryset

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
        response["Content-Disposition"] = f'attachment; filename="marches-{stamp}.xlsx"'
        return response
    response = StreamingHttpResponse(tabular.csv_stream(columns, register.rows(queryset)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="marches-{stamp}.csv"'
    return response


def dire_etat(request, etat) -> None:
    """Tell the user what a write changed in the contract's derived state (marches.etat.EtatDerive): its
    compliance status before -> after (naming what is newly missing), and plausibility warnings."""
    if etat is None:
        return
    if etat.conformite is not None:
        niveau = messages.warning if etat.conformite.manquants else messages.info
        niveau(request, etat.conformite.message)
    for alerte in etat.alertes:
        messages.warning(request, alerte)


def _marche_editable(request, pk) -> Marche:
    marche = selectors.marche_detail(user=request.user, pk=pk)  # 404 for a partner's other buyers
    if not perms.can_edit_marche(request.user, marche):
        raise PermissionDenied("Vous ne pouvez pas modifier ce marché.")
    return marche


@role_required(*ALL_ROLES)
def marche_detail(request, pk):
    marche = selectors.marche_detail(user=request.user, pk=pk)
    attributions = list(marche.attributions.select_related("entreprise", "lot").order_by("role", "id"))
    context = {
        "marche": marche,
        "lots": marche.lots.all(),
        "attributions": attributions,
        "modifications": marche.modifications.all(),
        "can_edit": perms.can_edit_marche(request.user, marche),
        "soumis": soumis(marche),
        "deduites": considerations_deduites_seules(marche, set(marche.clauses.values_list("type_clause", flat=True))),
        "date_obligations": DATE_OBLIGATIONS,
        "historique": history_for(marche) if can_see_history(request.user) else None,
    }
    return render(request, "marches/marche_detail.html", context)


@role_required(*perms.EDITEURS)
def marche_create(request):
    form = MarcheForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        marche = services.marche_save(marche=form.save(commit=False), user=request.user, reason="Saisie")
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
            marche = services.marche_save(marche=form.save(commit=False), user=request.user, reason="Modification",
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
        services.lot_save(lot=lot, user=request.user)
        messages.success(request, f"{lot} ajouté.")
        dire_etat(request, marche.etat_derive)
        return redirect("marches:detail", pk=marche.pk)
    return render(request, "marches/form.html", {"form": form, "titre": f"Nouveau lot — {marche}", "marche": marche})


@require_POST
@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def lot_delete(request, pk):
    lot = get_object_or_404(Lot.objects.select_related("marche"), pk=pk)
    _marche_editable(request, lot.marche_id)
    etat = services.lot_delete(lot=lot, user=request.user)
    messages.success(request, "Lot supprimé.")
    dire_etat(request, etat)
    return redirect("marches:detail", pk=lot.marche_id)


@role_required(*perms.EDITEURS, Role.PARTENAIRE)  # a partner: 404 on others, 403 on its own
def attribution_create(request, pk):
    marche = _marche_editable(request, pk)
    form = AttributionForm(request.POST or None, marche=marche)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entreprise, _ = services.entreprise_get_or_create(siret=data["siret"], nom=data["nom"], user=request.user)
        services.attribution_save(
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
    etat = services.attribution_delete(attribution=attribution, user=request.user)
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
        services.modification_save(modification=modification, user=request.user)
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
    etat = services.modification_delete(modification=modification, user=request.user)
    messages.success(request, "Avenant supprimé.")
    dire_etat(request, etat)
    return redirect("marches:detail", pk=modification.marche_id)


# --- Companies ---------------------------------------------------------------------------------------

class EntrepriseListView(RoleRequiredMixin, ListView):
    roles = ALL_ROLES
    template_name = "marches/entreprise_list.html"
    paginate_by = 50

    def get_queryset(self):
        from django.db.models import Q

        qs = selectors.entreprise_list(user=self.request.user).order_by("nom", "id")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(nom__icontains=q) | Q(siret__startswith="".join(q.split())) | Q(code_postal__startswith=q))
        if self.request.GET.get("type"):
            qs = qs.filter(type_structure=self.request.GET["type"])
        return qs

    def get_context_data(self, **kwargs):
        from .enums import TypeStructure

        context = super().get_context_data(**kwargs)
        context["types"] = TypeStructure.choices
        context["can_edit"] = perms.can_edit_entreprise(self.request.user)
        return context


@role_required(*ALL_ROLES)
def entreprise_detail(request, pk):
    entreprise = get_object_or_404(selectors.entreprise_list(user=request.user), pk=pk)
    context = {
        "entreprise": entreprise,
        "marches": selectors.entreprise_marches(user=request.user, entreprise=entreprise)[:200],
        "can_edit": perms.can_edit_entreprise(request.user),
        "historique": history_for(entreprise) if can_see_history(request.user) else None,
    }
    return render(request, "marches/entreprise_detail.html", context)


def _entreprise_form(request, entreprise=None):
    if not perms.can_edit_entreprise(request.user):
        raise PermissionDenied("Votre rôle ne permet pas de modifier les entreprises.")
    form = EntrepriseForm(request.POST or None, instance=entreprise)
    if request.method == "POST" and form.is_valid():
        entreprise = services.entreprise_save(entreprise=form.save(commit=False), user=request.user)
        messages.success(request, f"Entreprise « {entreprise} » enregistrée.")
        return redirect("marches:entreprise_detail", pk=entreprise.pk)
    titre = f"Modifier {entreprise}" if entreprise else "Nouvelle entreprise"
    return render(request, "marches/form.html", {"form": form, "titre": titre})


@role_required(*ALL_ROLES)
def entreprise_create(request):
    return _entreprise_form(request)


@role_required(*ALL_ROLES)
def entreprise_update(request, pk):
    entreprise = get_object_or_404(selectors.entreprise_list(user=request.user), pk=pk)
    return _entreprise_form(request, entreprise)


# --- EU thresholds (DCP) -----------------------------------------------------------------------------

@role_required(*ALL_ROLES)
def seuil_list(request):
    return render(request, "marches/seuil_list.html", {
        "seuils": SeuilEuropeen.objects.all(), "can_edit": perms.can_import(request.user),
        "date_obligations": DATE_OBLIGATIONS,
    })


@role_required(Role.DCP, Role.ADMIN)
def seuil_form(request, pk=None):
    seuil = get_object_or_404(SeuilEuropeen, pk=pk) if pk else None
    form = SeuilForm(request.POST or None, instance=seuil)
    if request.method == "POST" and form.is_valid():
        services.seuil_save(seuil=form.save(commit=False), user=request.user)
        messages.success(request, "Seuil enregistré ; la conformité des marchés a été recalculée.")
        return redirect("marches:seuils")
    return render(request, "marches/form.html", {
        "form": form, "titre": "Modifier le seuil" if seuil else "Nouveau seuil européen",
        "historique": history_for(seuil) if seuil else None, "retour": reverse("marches:seuils"),
    })


# --- Imports (DCP) -----------------------------------------------------------------------------------

@role_required(Role.DCP, Role.ADMIN)
def import_decp(request):
    """Upload a DECP file: saved directly when readable (with the report of repaired anomalies);
    refused as a whole, with the errors, otherwise."""
    from .forms import ImportForm

    form = ImportForm(request.POST or None, request.FILES or None, label="Importer le fichier",
                      extensions=(".json", ".xml"))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        report = services.decp_importer(data=upload.read(), fichier=upload.name, user=request.user)
        if report["refuse"]:
            messages.error(request, f"Fichier « {upload.name} » refusé : rien n'a été enregistré.")
        else:
            messages.success(request, f"Fichier « {upload.name} » importé.")
    return render(request, "marches/import.html", {
        "form": form, "report": report, "titre": "Importer des données essentielles (DECP)",
        "aide": "JSON au format DECP v2 (schéma 2.0.3) ou v1 (avant 2024), ou XML v2. Les écarts courants sont "
                "corrigés et signalés ; un fichier incompréhensible est refusé en entier.",
    })


@role_required(Role.DCP, Role.ADMIN)
def import_list(request):
    from .models import ImportJournal

    return render(request, "marches/import_list.html",
                  {"imports": ImportJournal.objects.select_related("user")[:100]})


@role_required(*ALL_ROLES)
def export_decp(request):
    """DECP JSON download, for one buyer (a partner: its own) and/or one year."""
    import json

    from core.models import Organisation

    from . import decp

    acheteur = None
    if request.user.role == Role.PARTENAIRE:
        acheteur = request.user.organisation
        if acheteur is None:
            raise PermissionDenied("Aucune organisation rattachée.")
    elif request.GET.get("acheteur", "").isdigit():
        acheteur = get_object_or_404(Organisation, pk=int(request.GET["acheteur"]))
    annee = request.GET.get("annee", "")
    annee = int(annee) if annee.isdigit() and 1990 < int(annee) < 2100 else None
    document = decp.export_json(acheteur=acheteur, annee=annee)
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    name = f"decp-{acheteur.siret if acheteur else 'tous'}{f'-{annee}' if annee else ''}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.DCP, Role.ADMIN)
def import_registre(request):
    from .forms import ImportForm

    form = ImportForm(request.POST or None, request.FILES or None, label="Importer le registre",
                      extensions=(".csv", ".xlsx"))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        report = services.registre_importer(data=upload.read(), fichier=upload.name, user=request.user)
        if report["refuse"]:
            messages.error(request, f"Fichier « {upload.name} » refusé : rien n'a été enregistré.")
        else:
            messages.success(request, f"Registre « {upload.name} » importé.")
    return render(request, "marches/import.html", {
        "form": form, "report": report, "titre": "Importer un registre de marchés (tableur)",
        "modele_url": reverse("marches:registre_modele"),
        "aide": "CSV (séparateur ; ou ,) en UTF-8 ou classeur XLSX, avec les colonnes du modèle (en-têtes sans "
                "distinction de casse). Listes séparées par « | », considérations avec les libellés DECP. Une seule "
                "erreur refuse tout le fichier : chaque erreur est indiquée avec sa ligne et sa colonne.",
    })


@role_required(*ALL_ROLES)
def registre_modele(request):
    response = HttpResponse(register.modele_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-registre-marches.csv"'
    return response
