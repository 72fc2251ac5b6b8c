"""The yearly monitoring of the SPASER, appended to the annual bilan PDF (bilans.pdf.SECTIONS_SUPPLEMENTAIRES)."""

from django.template.loader import render_to_string

from core.models import Organisation


def section_bilan(acheteur, annee) -> str:
    """"Suivi annuel du SPASER": each indicator's target vs actual for the buyer and year, and the actions.
    Empty when no scheme in force covers the buyer (the bilan then has no such section)."""

    from . import selectors

    if acheteur is None:
        acheteur = Organisation.objects.instance()
    if acheteur is None:
        return ""
    spaser = selectors.spaser_en_vigueur(acheteur=acheteur, strict=True)
    if spaser is None:
        return ""
    annee = int(annee)
    # The bilan's job computes its figures (selectors.figures_calculees), as the bilan's own: not the pages' stored ones.
    evaluation = selectors.evaluation_spaser(spaser=spaser, acheteur=acheteur, annee=annee, tendance=False,
                                             moteur=selectors.figures_calculees)
    actions = list(spaser.actions.select_related("direction").order_by("echeance", "pk"))
    return render_to_string("spaser/bilan_section.html", {
        "spaser": spaser, "evaluation": evaluation, "actions": actions, "annee": annee,
        "obligation": selectors.obligation(acheteur=acheteur, annee=annee),
        "prochaine_publication": selectors.prochaine_publication(spaser=spaser),
    })
