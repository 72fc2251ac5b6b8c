"""The public site (no login): the scheme in force, its indicators, open data, the forecast of purchases.

Only what is published is shown: the scheme in force marked published, its published indicators, actions
and documents, the published forecast entries. Never a person, never an unpublished contract: the
indicators are aggregates and the contracts are those of the buyer's DECP export."""

from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import content_disposition_header

from bilans.pdf import pdf_accessible
from core.parametres import AnneeField, ParametresForm, parametres_lire
from core.templatetags.formats import format_euros
from marches.decp_telechargement import decp_reponse

from .. import selectors
from ..exports import indicateurs_csv, programmation_csv, programmation_xlsx
from ..filters import ProgrammationFiltresForm


def _spaser_public():
    return selectors.spaser_en_vigueur(public=True)


def _spaser_public_or_404():
    spaser = _spaser_public()
    if spaser is None:
        raise Http404("Aucun SPASER n'est publié.")
    return spaser


def _acheteurs_publics():
    spaser = _spaser_public()
    return list(spaser.acheteurs.order_by("nom")) if spaser else []


@login_not_required
def public_home(request):
    spaser = _spaser_public()
    context = {"spaser": spaser, "onglet": "schema"}
    if spaser is not None:
        context.update(selectors.spaser_structure(spaser=spaser, public=True))
        context["prochaine_publication"] = selectors.prochaine_publication(spaser=spaser)
    context["nb_programmation"] = selectors.programmation_publique().count()
    return render(request, "spaser/public/home.html", context)


@login_not_required
def public_pdf(request):
    spaser = _spaser_public_or_404()
    context = {"spaser": spaser, "genere_le": timezone.localdate(),
               "prochaine_publication": selectors.prochaine_publication(spaser=spaser),
               **selectors.spaser_structure(spaser=spaser, public=True)}
    html = render_to_string("spaser/public/schema_pdf.html", context, request=request)
    # Tagged (PDF/UA-1), French, titled: the same writer as the bilan's.
    pdf = pdf_accessible(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"spaser-{spaser.annee_debut}-{spaser.annee_fin}.pdf")
    return response


@login_not_required
def public_indicateurs(request):
    spaser = _spaser_public()
    context = {"spaser": spaser, "onglet": "indicateurs"}
    if spaser is not None:
        moteur = selectors.Moteur()  # stored figures (bilans.figures): nothing computed in the request
        context["donnees"] = selectors.indicateurs_publics(spaser=spaser, moteur=moteur)
        context["aujourd_hui"] = timezone.localdate()
        context["etat"] = moteur.etat
    return render(request, "spaser/public/indicateurs.html", context)


@login_not_required
def public_donnees(request):
    spaser = _spaser_public()
    acheteurs = _acheteurs_publics()
    fichiers_decp = [{"acheteur": a, "date": selectors.decp_date(a), "annees": selectors.decp_annees(a)} for a in acheteurs]
    programmation_date = selectors.programmation_publique_date()
    return render(request, "spaser/public/donnees.html", {
        "spaser": spaser, "onglet": "donnees", "fichiers_decp": fichiers_decp, "aujourd_hui": timezone.localdate(),
        "programmation_date": programmation_date,
    })


class AnneeParametres(ParametresForm):
    annee = AnneeField()


@login_not_required
def public_decp(request):
    """The DECP export (JSON) of a buyer the published scheme covers (?acheteur=SIRET, default the first): the file
    of the current data version, built once and streamed from disk (marches.decp_telechargement)."""
    acheteurs = _acheteurs_publics()
    siret = (request.GET.get("acheteur") or "").strip()
    acheteur = next((a for a in acheteurs if a.siret == siret), None) if siret else (acheteurs[0] if acheteurs
                                                                                     else None)
    if acheteur is None:
        raise Http404("Aucune donnée essentielle publiée pour cet acheteur.")
    annee = parametres_lire(AnneeParametres, request.GET).get("annee")
    return decp_reponse(acheteur=acheteur, annee=annee, nom=f"decp-{acheteur.siret}.json")


@login_not_required
def public_indicateurs_csv(request):
    spaser = _spaser_public_or_404()
    donnees = selectors.indicateurs_publics(spaser=spaser)
    response = HttpResponse(indicateurs_csv(donnees), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f'spaser-indicateurs-{donnees["date"]}.csv')
    return response


@login_not_required
def public_indicateurs_json(request):
    spaser = _spaser_public_or_404()
    donnees = selectors.indicateurs_publics(spaser=spaser)
    response = JsonResponse(_jsonable(donnees), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = content_disposition_header(True, f'spaser-indicateurs-{donnees["date"]}.json')
    return response


def _jsonable(value):
    """Decimals as JSON numbers (integers when whole), recursively."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _programmation_filtree(request):
    return selectors.programmation_filtrer(selectors.programmation_publique(),
                                           parametres_lire(ProgrammationFiltresForm, request.GET))


@login_not_required
def public_programmation(request):
    queryset, filtres = _programmation_filtree(request)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    familles = selectors.familles_programmation_publique()
    return render(request, "spaser/public/programmation.html", {
        "onglet": "programmation", "page_obj": page, "object_list": page.object_list,
        "is_paginated": page.has_other_pages(), "filtres": filtres, "familles": familles,
        "trimestres": selectors.trimestres_proposes(selectors.programmation_publique()),
        "total": page.paginator.count, "query": request.GET.urlencode(),
    })


@login_not_required
def public_programmation_csv(request):
    queryset, _ = _programmation_filtree(request)
    return programmation_csv(queryset)


@login_not_required
def public_programmation_xlsx(request):
    queryset, _ = _programmation_filtree(request)
    return programmation_xlsx(queryset)


class ProgrammationFeed(Feed):
    """RSS of the newest published entries of the forecast of purchases."""

    feed_type = Rss201rev2Feed
    title = "Programmation des achats — nouveaux marchés à venir"
    description = "Les achats que l'acheteur prévoit de lancer : objet, famille, montant estimé, trimestre."

    def link(self):
        return reverse("spaser:public_programmation")

    def items(self):
        return selectors.programmation_publique().order_by("-created_at", "-pk")[:50]

    def item_title(self, item):
        return f"{item.objet} ({item.periode})"

    def item_description(self, item):
        """RSS descriptions are HTML for the readers: the texts are escaped here, once (the feed generator then
        only writes them as XML). Titles are plain text: written as XML only."""
        parts = [f"Acheteur : {item.acheteur.nom}", f"Lancement prévu : {item.get_trimestre_display()} {item.annee}"]
        if item.famille:
            parts.append(f"Famille d'achat : {item.famille.nom}")
        if item.montant_estime_ht is not None:
            parts.append(f"Montant estimé : {format_euros(item.montant_estime_ht, 0)} HT")
        if item.types_clauses:
            parts.append("Clauses prévues : " + ", ".join(item.types_clauses_libelles))
        return escape(" — ".join(parts))

    def item_link(self, item):
        return f"{reverse('spaser:public_programmation')}#programmation-{item.pk}"

    def item_guid(self, item):
        return f"programmation-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at


public_programmation_rss = login_not_required(ProgrammationFeed())
