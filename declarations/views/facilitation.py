"""The facilitators' side: declarations waiting, one declaration (also the company's view of it), validate or
send back."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.enums import Role
from core.mixins import role_required
from facilitateurs.selectors import participants_par_code

from .. import selectors, services
from ..enums import StatutDeclaration
from ..forms import FiltreDeclarationsForm, RenvoiForm
from ..models import Declaration
from ..perms import VALIDATION, can_valider, can_voir_entreprise


@role_required(*VALIDATION)
def a_valider(request):
    filtre = FiltreDeclarationsForm(request.GET or None)
    statut = filtre.cleaned_data["statut"] if filtre.is_valid() else ""
    qs = selectors.declarations_traitees(statut) if statut and statut != StatutDeclaration.EN_ATTENTE \
        else selectors.declarations_en_attente()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "declarations/a_valider.html", {"page_obj": page, "filtre": filtre, "statut": statut})


def _declaration_visible(request, pk) -> Declaration:
    """The declaration, if the user may read it: facilitators, or a contact of its company (else 404: ids are not
    an oracle)."""
    declaration = selectors.declaration_detail(pk)
    if declaration is None or not can_voir_entreprise(request.user, declaration.entreprise_id):
        raise Http404("Déclaration introuvable.")
    return declaration


@role_required(*VALIDATION, Role.ENTREPRISE)
def detail(request, pk):
    declaration = _declaration_visible(request, pk)
    return render(request, "declarations/detail.html", {
        "declaration": declaration, "lignes": selectors.lignes_de(declaration),
        "justificatifs": declaration.justificatifs.all(), "peut_valider": can_valider(request.user),
        "renvoi_form": RenvoiForm(), "en_attente": declaration.statut == StatutDeclaration.EN_ATTENTE})


@role_required(*VALIDATION)
@require_POST
def valider(request, pk):
    declaration = _declaration_visible(request, pk)
    codes = {k.removeprefix("participant_"): v.strip() for k, v in request.POST.items()
             if k.startswith("participant_") and v.strip()}
    connus = participants_par_code(set(codes.values()))
    participants, inconnus = {}, []
    for ligne_id, code in codes.items():
        if code in connus and ligne_id.isascii() and ligne_id.isdigit():  # "²".isdigit(), but int("²") fails
            participants[int(ligne_id)] = connus[code]
        else:
            inconnus.append(code)
    if inconnus:
        messages.error(request, "Participant inconnu : " + ", ".join(sorted(inconnus)[:10]) + ". Créez-le d'abord "
                                "(Suivi de l'insertion → Participants), puis indiquez son code.")
        return redirect("declarations:detail", pk=declaration.pk)
    try:
        services.declaration_valider(declaration=declaration, auteur=request.user, participants=participants)
    except ValidationError as exc:
        messages.error(request, "La déclaration n'a pas été validée : " + " ".join(exc.messages))
    else:
        messages.success(request, "Déclaration validée : ses heures sont celles du mois.")
    return redirect("declarations:detail", pk=declaration.pk)


@role_required(*VALIDATION)
@require_POST
def renvoyer(request, pk):
    declaration = _declaration_visible(request, pk)
    form = RenvoiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif du renvoi.")
        return redirect("declarations:detail", pk=declaration.pk)
    try:
        services.declaration_renvoyer(declaration=declaration, auteur=request.user, motif=form.cleaned_data["motif"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Déclaration renvoyée à l'entreprise avec votre motif.")
    return redirect("declarations:detail", pk=declaration.pk)
