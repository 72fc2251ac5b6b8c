"""A contract's clauses: list, adding one from the library (suggested by the advisor), edition (moving to the
model's current version), removal, download as text."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from core.mixins import role_required
from core.perms import ALL_ROLES
from marches import services as marches_services
from marches.conseil import recommandations
from marches.views.etat import dire_etat

from .. import selectors
from ..forms import ClauseMarcheForm
from ..models import ClauseModele
from ..perms import can_edit_clauses
from .base import clause_visible, historique_visible, marche_url, marche_visible


@role_required(*ALL_ROLES)
def marche_clauses(request, marche_pk):
    marche = marche_visible(request, marche_pk)
    clauses = list(selectors.clauses_du_marche(marche))
    return render(request, "clauses/marche_clauses.html", {
        "marche": marche, "clauses": clauses, "can_edit": can_edit_clauses(request.user, marche),
        "total_heures": sum(c.heures_requises for c in clauses), "marche_url": marche_url(marche),
    })


@role_required(*ALL_ROLES)
def clause_ajout(request, marche_pk):
    """Step 1: pick a model clause (suggested by the advisor); step 2 (?modele=): its parameters."""
    marche = marche_visible(request, marche_pk)
    if not can_edit_clauses(request.user, marche):
        raise PermissionDenied("Seuls la DCP et la direction du marché ajoutent des clauses.")
    modele_id = request.GET.get("modele") or request.POST.get("modele")
    if not modele_id:
        recos = recommandations(marche)
        autres = selectors.clauses_modeles_actives()
        return render(request, "clauses/clause_choix.html", {
            "marche": marche, "recommandations": recos, "autres": autres,
        })
    try:
        modele_pk = int(modele_id)
    except ValueError:
        raise Http404 from None
    modele = get_object_or_404(ClauseModele.objects.filter(is_active=True), pk=modele_pk)
    form = ClauseMarcheForm(request.POST or None, marche=marche, type_clause=modele.type_clause)
    if request.method == "POST" and form.is_valid():
        clause = form.save(commit=False)
        clause.version = modele.version_courante
        marches_services.clause_marche_enregistrer(clause=clause, user=request.user, reason="Ajout depuis le clausier")
        messages.success(request, f"Clause « {modele} » ajoutée.")
        dire_etat(request, marche.etat_derive)
        return redirect("clauses:marche_clauses", marche_pk=marche.pk)
    return render(request, "clauses/clause_form.html", {
        "form": form, "marche": marche, "modele": modele, "version": modele.version_courante,
        "titre": f"Ajouter « {modele} »",
    })


@role_required(*ALL_ROLES)
def clause_modifier(request, pk):
    clause = clause_visible(request, pk)
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
        marches_services.clause_marche_enregistrer(clause=clause, user=request.user, reason="Modification")
        messages.success(request, "Clause enregistrée.")
        dire_etat(request, marche.etat_derive)
        return redirect("clauses:marche_clauses", marche_pk=marche.pk)
    return render(request, "clauses/clause_form.html", {
        "form": form, "marche": marche, "clause": clause, "version": clause.version,
        "modele": clause.version.modele if clause.version_id else None,
        "titre": f"Modifier la clause « {clause.get_type_clause_display()} »",
        "historique": historique_visible(request, clause),
    })


@role_required(*ALL_ROLES)
def clause_supprimer(request, pk):
    clause = clause_visible(request, pk)
    marche = clause.marche
    if not can_edit_clauses(request.user, marche):
        raise PermissionDenied("Seuls la DCP et la direction du marché suppriment ses clauses.")
    if request.method == "POST":
        etat = marches_services.clause_marche_supprimer(clause=clause, user=request.user)
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
    clause = clause_visible(request, pk)
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
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{ext}")
    return response
