"""The company's pages: its clause contracts, one contract's months and declarations, the declaration form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core.enums import Role
from core.middleware import accepte_fichiers
from core.mixins import role_required
from facilitateurs.services import heures_libelle, heures_max_par_mois, mois_libelle

from .. import selectors, services
from ..forms import DeclarationForm, LigneFormSet
from ..perms import entreprise_du_contact
from .base import entreprise_requise, mois_demande, mois_precedent


@role_required(Role.ENTREPRISE)
def marches(request):
    """The contact's clause contracts (a contact not linked to a company is told so, see _tableau.html)."""
    return render(request, "declarations/marches.html", {"entreprise": entreprise_du_contact(request.user)})


def _marche(entreprise, pk):
    marche = selectors.marche_de_l_entreprise(entreprise, pk)
    if marche is None:
        raise Http404("Marché introuvable.")
    return marche


@role_required(Role.ENTREPRISE)
def marche(request, pk):
    entreprise = entreprise_requise(request)
    marche = _marche(entreprise, pk)
    ligne = next(ligne for ligne in selectors.tableau_entreprise(entreprise) if ligne.marche.pk == marche.pk)
    return render(request, "declarations/marche.html", {
        "entreprise": entreprise, "marche": marche, "ligne": ligne,
        "declarations": selectors.declarations_du_marche(entreprise, marche),
        "attestation": selectors.attestation(marche, entreprise)})


@accepte_fichiers
@role_required(Role.ENTREPRISE)
def declarer(request, pk):
    entreprise = entreprise_requise(request)
    marche = _marche(entreprise, pk)
    mois = mois_demande(request.GET.get("mois") or request.POST.get("mois"), mois_precedent())
    participants = selectors.participants_de(entreprise, marche)
    if request.method == "POST":
        formset = LigneFormSet(request.POST, participants=participants, prefix="lignes")
        form = DeclarationForm(request.POST, request.FILES)
        if formset.is_valid() and form.is_valid():
            try:
                declaration = services.declaration_deposer(
                    marche=marche, entreprise=entreprise, mois=mois, lignes=formset.lignes(),
                    justificatifs=form.cleaned_data["justificatifs"], commentaire=form.cleaned_data["commentaire"],
                    auteur=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Déclaration de {mois_libelle(mois)} envoyée : le facilitateur va la "
                                          "vérifier.")
                return redirect("declarations:detail", pk=declaration.pk)
        messages.error(request, "La déclaration n'a pas été envoyée : corrigez ce qui est signalé.")
    else:
        formset = LigneFormSet(participants=participants, prefix="lignes")
        form = DeclarationForm()
    return render(request, "declarations/declarer.html", {
        "entreprise": entreprise, "marche": marche, "mois": mois, "formset": formset, "form": form,
        "participants": participants, "mois_possibles": selectors.mois_du_marche(marche, timezone.localdate())[::-1],
        "heures_max": heures_libelle(heures_max_par_mois())})
