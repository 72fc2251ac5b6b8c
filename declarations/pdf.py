"""The attestation of the social clause's realisation: hours required, realised by the company, by modality. No
participant's name or code: the company shows it in its next tenders. Its HTML only: the view makes the PDF through
bilans.pdf.pdf_accessible, like every PDF of the application (tagged PDF/UA-1; declarations sits below bilans)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.templatetags.formats import format_date

from .selectors import Attestation


def attestation_html(donnees: Attestation) -> str:
    return render_to_string("declarations/pdf/attestation.html", {
        "a": donnees, "instance_name": settings.SPASER["INSTANCE_NAME"],
        "genere_le": format_date(timezone.localdate())})
