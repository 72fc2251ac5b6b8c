"""The attestation of the social clause's realisation (PDF, tagged PDF/UA-1): hours required, realised by the
company, by modality. No participant's name or code: the company shows it in its next tenders."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.templatetags.formats import format_date

from .selectors import Attestation


def attestation_html(donnees: Attestation) -> str:
    return render_to_string("declarations/pdf/attestation.html", {
        "a": donnees, "instance_name": settings.SPASER["INSTANCE_NAME"],
        "genere_le": format_date(timezone.localdate())})


def attestation_pdf(donnees: Attestation) -> bytes:
    from weasyprint import HTML

    return HTML(string=attestation_html(donnees), base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
