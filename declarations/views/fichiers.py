"""Files of the companies' side, each served after a permission check: the proofs (stored outside the web root)
and the attestation PDF."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header

from bilans.pdf import pdf_accessible
from core.enums import Role
from core.mixins import role_required
from marches.models import Entreprise

from .. import selectors
from ..models import Justificatif
from ..pdf import attestation_html
from ..perms import VALIDATION, can_voir_entreprise


@role_required(*VALIDATION, Role.ENTREPRISE)
def justificatif(request, pk):
    justificatif = Justificatif.objects.select_related("declaration").filter(pk=pk).first()
    if justificatif is None or not can_voir_entreprise(request.user, justificatif.declaration.entreprise_id):
        raise Http404("Justificatif introuvable.")
    try:
        fichier = justificatif.fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier introuvable.") from exc
    response = FileResponse(fichier, content_type=justificatif.type_contenu, as_attachment=True,
                            filename=justificatif.nom)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


@role_required(*VALIDATION, Role.ENTREPRISE)
def attestation(request, marche_pk, entreprise_pk):
    if not can_voir_entreprise(request.user, entreprise_pk):
        raise Http404("Attestation introuvable.")
    entreprise = get_object_or_404(Entreprise, pk=entreprise_pk)
    marche = selectors.marche_de_l_entreprise(entreprise, marche_pk)
    if marche is None:
        raise Http404("Marché introuvable.")
    donnees = selectors.attestation(marche, entreprise)
    if not donnees.disponible:
        messages.info(request, "L'attestation sera disponible quand la clause sera remplie ou le marché terminé.")
        if request.user.role == Role.ENTREPRISE:
            return redirect("declarations:marche", pk=marche.pk)
        return redirect("declarations:entreprise_contacts", pk=entreprise.pk)
    response = HttpResponse(pdf_accessible(attestation_html(donnees)), content_type="application/pdf")
    nom = f"attestation-clause-sociale-{marche.identifiant or marche.pk}.pdf".replace('"', "")
    response["Content-Disposition"] = content_disposition_header(True, nom)
    return response
