"""The model-clause library: search, a model clause's page (its versions and uses), creation, new versions,
archiving."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.mixins import role_required
from core.parametres import IdField, ParametresForm, parametres_lire

from .. import selectors, services
from ..enums import TypeClause
from ..forms import ClauseModeleForm
from ..models import ClauseModele
from ..perms import GESTION_REFERENTIEL, LECTURE_REFERENTIEL, can_manage_referentiel
from .base import historique_visible


class ClausierParametres(ParametresForm):
    famille = IdField()


@role_required(*LECTURE_REFERENTIEL)
def clausier(request):
    type_clause = request.GET.get("type", "")
    type_clause = type_clause if type_clause in TypeClause.values else ""
    statut = request.GET.get("statut", "actives")
    statut = statut if statut in ("actives", "archivees", "toutes") else "actives"
    famille_id = parametres_lire(ClausierParametres, request.GET).get("famille")
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.clause_modele_list(type_clause=type_clause, famille_id=famille_id, statut=statut, q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "clauses/clausier.html", {
        "page_obj": page, "paginator": page.paginator, "modeles": page.object_list,
        "types": TypeClause.choices, "familles": selectors.familles_actives(),
        "filtres": {"type": type_clause, "statut": statut, "famille": famille_id, "q": q},
        "can_manage": can_manage_referentiel(request.user),
    })


@role_required(*LECTURE_REFERENTIEL)
def clause_modele_detail(request, pk):
    modele = get_object_or_404(ClauseModele.objects.prefetch_related("familles"), pk=pk)
    versions = selectors.versions_du_modele(modele)
    return render(request, "clauses/clause_modele_detail.html", {
        "modele": modele, "versions": versions, "courante": versions[0] if versions else None,
        "can_manage": can_manage_referentiel(request.user),
        "historique": historique_visible(request, modele),
    })


@role_required(*GESTION_REFERENTIEL)
def clause_modele_form(request, pk=None):
    modele = get_object_or_404(ClauseModele, pk=pk) if pk else None
    form = ClauseModeleForm(request.POST or None, instance=modele)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            if modele is None:
                obj = services.clause_modele_creer(modele=obj, texte=form.cleaned_data["texte"],
                                                    familles=form.cleaned_data["familles"], user=request.user)
                messages.success(request, f"Clause type « {obj} » créée.")
            else:
                obj, version = services.clause_modele_modifier(
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
        services.clause_modele_archiver(modele=modele, user=request.user, active=not modele.is_active)
        messages.success(request, f"Clause type « {modele} » {'réactivée' if modele.is_active else 'archivée'}.")
        return redirect("clauses:clause_modele_detail", pk=modele.pk)
    return render(request, "clauses/confirm.html", {
        "titre": f"{'Archiver' if modele.is_active else 'Réactiver'} la clause type « {modele} »",
        "message": "Une clause archivée n'est plus proposée ; les marchés qui l'utilisent gardent leur texte."
        if modele.is_active else "La clause sera de nouveau proposée aux acheteurs.",
        "bouton": "Archiver" if modele.is_active else "Réactiver", "danger": modele.is_active,
        "retour": reverse("clauses:clause_modele_detail", args=[modele.pk]),
    })
