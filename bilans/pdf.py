"""The annual bilan as a PDF (WeasyPrint): cover, summary, charts (server-side SVG) and tables.

Every PDF of the application goes through `pdf_accessible`: a tagged PDF (PDF/UA-1: structure tree, /Lang from
<html lang>, title from <title>, charts as figures with a text alternative), laid out to stay inside the page
(tables never wider than the page, rows never split across a page break).

Other apps may append sections: put a callable `(acheteur, annee) -> str` (an HTML fragment, trusted,
no JavaScript) in `SECTIONS_SUPPLEMENTAIRES`, at import time or in their AppConfig.ready():

    from bilans.pdf import SECTIONS_SUPPLEMENTAIRES
    SECTIONS_SUPPLEMENTAIRES.append(spaser_section_bilan)

Each fragment is placed after the bilan's own sections, on a new page; use <h2> for its title. A section that
raises is replaced by a short notice (and logged) so that the bilan is still produced."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.models import Organisation
from core.templatetags.formats import format_date, format_euros, format_heures, format_nombre, format_pourcent

from .definitions import DEFINITIONS, chiffres_cles
from .graphiques import graphiques
from .resultats import Indicateurs
from .selectors import indicateurs_annuels
from .svg import graphique_img

logger = logging.getLogger(__name__)

SECTIONS_SUPPLEMENTAIRES: list[Callable] = []

# Charts of the PDF, in order (the dashboards show them all).
GRAPHIQUES_PDF = ("tendance_heures", "considerations", "objectifs", "conformite", "manquements", "achats_structures",
                  "heures_modalite", "heures_famille", "heures_public", "heures_commune", "sorties",
                  "heures_entreprise", "tendance_marches", "marches_clause")


def _sections_supplementaires(acheteur, annee) -> list[str]:
    sections = []
    for section in SECTIONS_SUPPLEMENTAIRES:
        try:
            html = section(acheteur, annee)
        except Exception:  # noqa: BLE001 - another app's section must not prevent the bilan
            logger.exception("Section supplémentaire %r du bilan en échec", section)
            html = "<p><em>Une section complémentaire n'a pas pu être produite.</em></p>"
        if html:
            sections.append(mark_safe(html))  # noqa: S308 - fragments come from our own apps' code
    return sections


QU_IL, QU_ILS = "qu'il requiert", "qu'ils requièrent"


def resume_phrases(data: Indicateurs) -> list[str]:
    """The summary in the words of a département's bilan (plain text, French formats)."""
    annee, cumul = data.annee, data.cumul
    n_clause = data.marches_clause_insertion.nombre
    phrases = [
        f"En {annee}, {format_nombre(n_clause)} marché{'s' if n_clause > 1 else ''} notifié"
        f"{'s' if n_clause > 1 else ''} {'ont' if n_clause > 1 else 'a'} porté la clause d'insertion, "
        f"sur {format_nombre(data.marches_notifies.nombre)} marchés notifiés pour "
        f"{format_euros(data.marches_notifies.montant_ht)} HT.",
        f"{format_heures(data.heures_realisees)} d'insertion ont été réalisées en {annee} par "
        f"{format_nombre(data.participants)} personnes, dans {format_nombre(data.entreprises)} entreprises "
        f"(dont {format_pourcent(data.entreprises_locales_part)} implantées dans le département).",
    ]
    if cumul.depuis < annee:
        phrases.append(
            f"Depuis {cumul.depuis} : {format_heures(cumul.heures_realisees)} d'insertion, "
            f"{format_nombre(cumul.entreprises)} entreprises dont {format_pourcent(cumul.entreprises_locales_part)}"
            f" implantées dans le département, et {format_nombre(cumul.participants)} personnes en difficulté "
            "ont obtenu un contrat de travail."
        )
    sociale, environnementale = data.objectifs.sociale, data.objectifs.environnementale
    phrases.append(
        f"{format_pourcent(sociale.part)} des marchés notifiés comportent au moins une considération "
        f"sociale (cible : {format_pourcent(sociale.cible, 0)}, {sociale.cible_libelle}) et "
        f"{format_pourcent(environnementale.part)} au moins une considération environnementale "
        f"(cible : {format_pourcent(environnementale.cible, 0)}, {environnementale.cible_libelle})."
    )
    realisation = data.realisation
    if realisation.marches:
        un = realisation.marches == 1
        phrases.append(
            f"{'Le' if un else 'Les'} {format_nombre(realisation.marches)} "
            f"marché{'' if un else 's'} à clause d'insertion en cours d'exécution en {annee} "
            f"{'a' if un else 'ont'} réalisé {format_pourcent(realisation.taux)} des "
            f"heures {QU_IL if un else QU_ILS} "
            f"({format_heures(realisation.heures_realisees)} sur {format_heures(realisation.heures_requises)}"
            f" au {format_date(realisation.date_reference)}), soit {format_pourcent(realisation.rythme)} du "
            "rythme attendu à cette date."
        )
    return phrases


def bilan_contexte(data: Indicateurs, *, titre_perimetre: str = "") -> dict:
    par_cle = {g.key: g for g in graphiques(data)}
    charts = []
    for key in GRAPHIQUES_PDF:
        g = par_cle.get(key)
        if g is None:
            continue
        numeriques = [c.format != "texte" for c in g.colonnes]
        lignes = [list(zip(ligne, numeriques, strict=False)) for ligne in g.lignes_formatees()]
        charts.append({"g": g, "img": mark_safe(graphique_img(g)), "lignes": lignes})  # noqa: S308
    return {
        "data": data,
        "charts": charts,
        "chiffres": chiffres_cles(data),
        "definitions": list(DEFINITIONS.values()),
        "phrases": resume_phrases(data),
        "instance_name": settings.SPASER["INSTANCE_NAME"],
        "genere_le": format_date(timezone.localdate()),
        "titre_perimetre": titre_perimetre,
    }


def bilan_html(*, data: Indicateurs | None = None, **perimetre) -> str:
    """The bilan's HTML, of `data` (figures already read: the bilan job stores their key figures too) or of the
    figures of `perimetre` (the arguments of indicateurs_annuels: acheteur, annee, depuis, direction, famille,
    convention)."""
    if data is None:
        data = indicateurs_annuels(**perimetre)
    perimetre = [v for v in (data.perimetre.convention, data.perimetre.direction, data.perimetre.famille) if v]
    context = bilan_contexte(data, titre_perimetre=" — ".join(perimetre))

    organisation = Organisation.objects.get(siret=data.acheteur_siret)
    context["sections"] = _sections_supplementaires(organisation, data.annee)
    return render_to_string("bilans/pdf/bilan.html", context)


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def document_accessible(html: str, *, base_url: str | None = None):
    """The laid-out WeasyPrint document (its pages can be inspected before writing the PDF)."""
    # weasyprint stays imported on demand: a heavy library that logs while it loads, needed only here.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).render(**PDF_OPTIONS)


def pdf_accessible(html: str, *, base_url: str | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of an HTML document that has <html lang>, a <title> and text alternatives."""
    return document_accessible(html, base_url=base_url).write_pdf(**PDF_OPTIONS)


def bilan_pdf(**kwargs) -> bytes:
    """The PDF bytes of a bilan (same arguments as bilan_html)."""
    return pdf_accessible(bilan_html(**kwargs))
