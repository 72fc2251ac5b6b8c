"""The « Matinale »: the programme of upcoming purchases (the published forecast of spaser), by purchase family
and quarter, with the clauses planned and a contact, for a meeting with business federations and SIAE. A page
to read and print, and its PDF (WeasyPrint through bilans.pdf.pdf_accessible: tagged PDF/UA-1, read by screen readers)."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from bilans.pdf import pdf_accessible
from core.mixins import role_required
from spaser.selectors import programmation_publique

from ..perms import MATINALE

SANS_FAMILLE = "Autres achats"


def programme(entrees) -> list[dict]:
    """[{famille, trimestres: [{periode, achats: [...]}, ...]}, ...]: families by name, quarters in order."""
    familles: dict[str, dict[str, list]] = {}
    for entree in entrees:
        nom = entree.famille.nom if entree.famille_id else SANS_FAMILLE
        familles.setdefault(nom, {}).setdefault(entree.periode, []).append(entree)
    ordre = sorted(familles, key=lambda nom: (nom == SANS_FAMILLE, nom.lower()))
    return [{"famille": nom, "trimestres": [{"periode": periode, "achats": achats}
                                            for periode, achats in familles[nom].items()]} for nom in ordre]


def _contexte():
    entrees = list(programmation_publique())
    return {"familles": programme(entrees), "nombre": len(entrees), "instance_name": settings.SPASER["INSTANCE_NAME"],
            "genere_le": timezone.localdate()}


@role_required(*MATINALE)
def matinale(request):
    contexte = _contexte()
    if request.GET.get("format") == "pdf":
        html = render_to_string("examens/matinale_pdf.html", contexte, request=request)
        pdf = pdf_accessible(html, base_url=str(settings.BASE_DIR))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, "matinale-programme-des-achats.pdf")
        return response
    return render(request, "examens/matinale.html", contexte)
