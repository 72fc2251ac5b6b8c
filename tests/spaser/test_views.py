import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.enums import Role
from spaser.enums import StatutSpaser
from spaser.models import Axe, Cible, Indicateur, Programmation, Spaser, ValeurManuelle
from tests.bilans.helpers import page_chiffres
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.marches.factories import MarcheFactory
from tests.spaser.factories import (
    AxeFactory,
    CibleFactory,
    IndicateurFactory,
    ObjectifFactory,
    ProgrammationFactory,
    SpaserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def dcp(client, instance):
    user = UserFactory(username="la-dcp", role=Role.DCP, organisation=instance)
    client.force_login(user)
    return client


def test_dcp_writes_a_scheme_adopts_it_and_puts_it_in_force(dcp, instance):
    response = dcp.post(reverse("spaser:create"), {
        "titre": "SPASER des Landes", "version": "1", "annee_debut": "2024", "annee_fin": "2028",
        "acheteurs": [instance.pk], "preambule": "", "reference_deliberation": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    spaser = Spaser.objects.get(titre="SPASER des Landes")
    assert spaser.statut == StatutSpaser.BROUILLON
    assert spaser.history.first().history_user.username == "la-dcp"
    dcp.post(reverse("spaser:axe_create", args=[spaser.pk]), {"type_axe": "social", "titre": "Axe social",
                                                                 "ordre": "1"})
    axe = Axe.objects.get(spaser=spaser)
    dcp.post(reverse("spaser:objectif_create", args=[axe.pk]), {"titre": "Plus de clauses", "ordre": "1"})
    objectif = axe.objectifs.get()
    response = dcp.post(reverse("spaser:indicateur_create", args=[objectif.pk]), {
        "libelle": "Part des marchés avec une considération sociale", "source_type": "moteur",
        "figure": "part_marches_consideration_sociale_nombre", "unite": "pourcent", "sens": "hausse",
        "annee_reference": "2023", "valeur_reference": "0.2", "ordre": "0", "published": "on",
    })
    indicateur = Indicateur.objects.get(objectif=objectif)
    assert response["Location"] == reverse("spaser:indicateur_valeurs", args=[indicateur.pk])
    response = dcp.post(reverse("spaser:indicateur_valeurs", args=[indicateur.pk]),
                        {"cible_2024": "22 %", "cible_2026": "0,30", "cible_2028": "0.35"})
    assert response.status_code == 302
    assert {c.annee: c.valeur for c in Cible.objects.filter(indicateur=indicateur)} == {
        2024: Decimal("0.22"), 2026: Decimal("0.30"), 2028: Decimal("0.35")}
    # Adoption then entry into force; the previous scheme in force is replaced.
    ancien = SpaserFactory(en_vigueur=True, acheteurs=[instance])
    response = dcp.post(reverse("spaser:adopter", args=[spaser.pk]),
                        {"date_adoption": "2024-03-15", "reference_deliberation": "Délibération n° 3"})
    assert response.status_code == 302
    dcp.post(reverse("spaser:mettre_en_vigueur", args=[spaser.pk]))
    spaser.refresh_from_db()
    ancien.refresh_from_db()
    assert spaser.statut == StatutSpaser.EN_VIGUEUR and ancien.statut == StatutSpaser.REMPLACE
    page = dcp.get(reverse("spaser:index")).content.decode()
    assert "SPASER des Landes" in page and "Prochaine publication" in page


def test_forms_keep_input_and_refuse_bad_values_without_500(dcp, instance):
    spaser = SpaserFactory(acheteurs=[instance])
    response = dcp.post(reverse("spaser:create"), {"titre": "Mauvais", "version": "1", "annee_debut": "2030",
                                                   "annee_fin": "2024", "acheteurs": [instance.pk]})
    assert response.status_code == 200 and 'value="Mauvais"' in response.content.decode()
    objectif = ObjectifFactory(axe__spaser=spaser)
    response = dcp.post(reverse("spaser:indicateur_create", args=[objectif.pk]), {
        "libelle": "Saisi sans source", "source_type": "manuel", "unite": "nombre", "sens": "hausse", "ordre": "0"})
    assert response.status_code == 200 and "source" in response.content.decode()
    indicateur = IndicateurFactory(objectif=objectif)
    response = dcp.post(reverse("spaser:indicateur_valeurs", args=[indicateur.pk]), {"cible_2025": "beaucoup"})
    assert response.status_code == 200 and 'value="beaucoup"' in response.content.decode()
    response = dcp.post(reverse("spaser:indicateur_valeurs", args=[indicateur.pk]), {"cible_2025": "1e400"})
    assert response.status_code == 200
    assert not Cible.objects.exists()


def test_manual_indicator_values_per_buyer(dcp, instance):
    partenaire = OrganisationFactory(partenaire=True)
    spaser = SpaserFactory(acheteurs=[instance, partenaire], annee_debut=2025, annee_fin=2026)
    indicateur = IndicateurFactory(objectif__axe__spaser=spaser, manuel=True)
    response = dcp.post(reverse("spaser:indicateur_valeurs", args=[indicateur.pk]), {
        f"valeur_{partenaire.pk}_2025": "12", f"source_{partenaire.pk}_2025": "Rapport de la ville",
        "cible_2025": "10",
    })
    assert response.status_code == 302
    valeur = ValeurManuelle.objects.get()
    assert (valeur.acheteur, valeur.annee, valeur.valeur, valeur.source) == (partenaire, 2025, Decimal("12"),
                                                                             "Rapport de la ville")
    page = dcp.get(reverse("spaser:evaluation", args=[spaser.pk]), {"annee": "2025", "acheteur": partenaire.pk})
    html = page.content.decode()
    assert "Rapport de la ville" in html and 'data-statut="atteint"' in html


def test_delete_asks_for_confirmation_then_deletes(dcp, instance):
    axe = AxeFactory(spaser__acheteurs=[instance])
    response = dcp.get(reverse("spaser:axe_delete", args=[axe.pk]))
    assert "Confirmer la suppression" in response.content.decode()
    assert Axe.objects.filter(pk=axe.pk).exists()
    dcp.post(reverse("spaser:axe_delete", args=[axe.pk]))
    assert not Axe.objects.filter(pk=axe.pk).exists()


def test_adopted_scheme_cannot_be_deleted_and_replaced_scheme_is_frozen(dcp, instance):
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance])
    dcp.post(reverse("spaser:delete", args=[spaser.pk]))
    assert Spaser.objects.filter(pk=spaser.pk).exists()
    copie_url = dcp.post(reverse("spaser:nouvelle_version", args=[spaser.pk]))["Location"]
    copie = Spaser.objects.exclude(pk=spaser.pk).get()
    assert copie_url == reverse("spaser:detail", args=[copie.pk])
    assert copie.statut == StatutSpaser.BROUILLON and copie.version == "2" and copie.precedent == spaser
    spaser.statut = StatutSpaser.REMPLACE
    spaser.save()
    response = dcp.post(reverse("spaser:axe_create", args=[spaser.pk]), {"type_axe": "social", "titre": "X",
                                                                         "ordre": "0"})
    assert response.status_code == 200 and "plus modifiable" in response.content.decode()


def test_evaluation_page_shows_obligation_and_exports_xlsx(dcp, instance):
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance])
    indicateur = IndicateurFactory(objectif__axe__spaser=spaser, figure="marches_notifies_montant", unite="euros",
                                   valeur_reference=Decimal("10000000"))
    CibleFactory(indicateur=indicateur, annee=2025, valeur=Decimal("40000000"))
    MarcheFactory(acheteur=instance, montant_ht=Decimal("30000000"), date_notification=datetime.date(2025, 2, 1))
    MarcheFactory(acheteur=instance, montant_ht=Decimal("25000000"), date_notification=datetime.date(2025, 5, 1))
    html = page_chiffres(dcp, reverse("spaser:evaluation", args=[spaser.pk]), {"annee": "2025"}).content.decode()
    assert 'data-testid="obligation">obligatoire' in html
    assert "chart.umd.min.js" in html
    assert "Évaluation 2025" in html and '<option value="2025" selected>' in html  # years are not "2 025"
    response = dcp.get(reverse("spaser:evaluation_xlsx", args=[spaser.pk]), {"annee": "2025"})
    sheet = load_workbook(io.BytesIO(response.content))["Évaluation 2025"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Indicateur" and rows[1][2] == indicateur.libelle
    assert rows[1][7] == 40000000


def test_evaluation_export_waits_for_the_figures_instead_of_an_empty_file(dcp, instance):
    """Before the figures' job stored them, the XLSX is a French message (no file of empty figures), then the file."""
    from tests.bilans.helpers import chiffres_calculer

    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance])
    IndicateurFactory(objectif__axe__spaser=spaser, figure="marches_notifies_montant", unite="euros")
    MarcheFactory(acheteur=instance, montant_ht=Decimal("30000000"), date_notification=datetime.date(2025, 2, 1))
    url = reverse("spaser:evaluation_xlsx", args=[spaser.pk])
    attente = dcp.get(url, {"annee": "2025"})
    assert attente.status_code == 200 and attente["Content-Type"].startswith("text/plain")
    assert "en cours de calcul" in attente.content.decode() and "Content-Disposition" not in attente
    assert chiffres_calculer()  # the year's figures and the trend's
    fichier = dcp.get(url, {"annee": "2025"})
    assert fichier["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(fichier.content))["Évaluation 2025"]


def test_evaluation_ignores_garbage_parameters(dcp, instance):
    spaser = SpaserFactory(acheteurs=[instance])
    for params in ({"annee": "abc"}, {"annee": "99999"}, {"acheteur": "x"}, {"acheteur": "999999"}):
        assert dcp.get(reverse("spaser:evaluation", args=[spaser.pk]), params).status_code == 200


def test_programmation_crud_and_internal_list_shows_unpublished(dcp, instance):
    direction = DirectionFactory(organisation=instance)
    response = dcp.post(reverse("spaser:programmation_create"), {
        "acheteur": instance.pk, "objet": "Entretien des espaces verts des collèges", "direction": direction.pk,
        "montant_estime_ht": "450000", "annee": str(datetime.date.today().year + 1), "trimestre": "2", "types_clauses": ["insertion"],
        "contact": "commande.publique@landes.invalid",
    })
    assert response.status_code == 302
    entree = Programmation.objects.get()
    assert entree.published is False and entree.types_clauses == ["insertion"]
    html = dcp.get(reverse("spaser:programmation_list")).content.decode()
    assert "Entretien des espaces verts des collèges" in html


def test_programmation_lists_queries_do_not_grow_and_match_their_snapshots(dcp, instance, snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    ProgrammationFactory.create_batch(5, acheteur=instance)
    assert_queries_stable("spaser_views_programmation_list", dcp, reverse("spaser:programmation_list"),
                          lambda: ProgrammationFactory.create_batch(45, acheteur=instance), update=snapshot_update)
    assert_queries_stable("spaser_views_public_programmation", dcp, reverse("spaser:public_programmation"),
                          lambda: ProgrammationFactory.create_batch(10, acheteur=instance, published=True),
                          update=snapshot_update)


def test_dcp_home_shows_the_scheme_progress(dcp, instance):
    assert "Aucun SPASER en vigueur" in dcp.get(reverse("core:home")).content.decode()
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance], titre="SPASER en cours")
    IndicateurFactory(objectif__axe__spaser=spaser, manuel=True)
    html = dcp.get(reverse("core:home")).content.decode()
    assert 'data-testid="spaser-resume"' in html and "SPASER en cours" in html
    assert reverse("spaser:evaluation", args=[spaser.pk]) in html


@pytest.mark.parametrize("page", ["programmation_csv", "programmation_xlsx", "public_programmation_csv",
                                  "public_programmation_xlsx", "public_programmation_rss", "evaluation",
                                  "evaluation_xlsx", "detail", "public_indicateurs_json", "public_home"])
def test_exports_and_evaluation_queries_do_not_grow_and_match_their_snapshots(page, dcp, instance, snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance])
    objectif = ObjectifFactory(axe__spaser=spaser)

    def add(n):
        for _ in range(n):
            indicateur = IndicateurFactory(objectif=objectif, manuel=True)
            CibleFactory(indicateur=indicateur, annee=2025, valeur=Decimal("5"))
            ProgrammationFactory(acheteur=instance)

    urls = {
        "programmation_csv": (reverse("spaser:programmation_export", args=["csv"]), None),
        "programmation_xlsx": (reverse("spaser:programmation_export", args=["xlsx"]), None),
        "public_programmation_csv": (reverse("spaser:public_programmation_csv"), None),
        "public_programmation_xlsx": (reverse("spaser:public_programmation_xlsx"), None),
        "public_programmation_rss": (reverse("spaser:public_programmation_rss"), None),
        "evaluation": (reverse("spaser:evaluation", args=[spaser.pk]), {"annee": "2025"}),
        "evaluation_xlsx": (reverse("spaser:evaluation_xlsx", args=[spaser.pk]), {"annee": "2025"}),
        "detail": (reverse("spaser:detail", args=[spaser.pk]), None),
        "public_indicateurs_json": (reverse("spaser:public_indicateurs_json"), None),
        "public_home": (reverse("spaser:public_home"), None),
    }
    url, params = urls[page]
    add(5)
    assert_queries_stable(f"spaser_views_{page}", dcp, url, lambda: add(20), data=params, update=snapshot_update)


GARBAGE = [
    {},
    {"titre": "x" * 5000, "annee_debut": "-1", "annee_fin": "abc", "acheteurs": ["999999", "x"], "version": ""},
    {"annee": "1e9", "trimestre": "9", "montant_estime_ht": "-5", "acheteur": "x", "famille": "999999",
     "types_clauses": ["inconnu"], "objet": ""},
    {"libelle": "", "source_type": "autre", "figure": "inconnue", "valeur_reference": "NaN", "annee_reference": "0",
     "unite": "?", "type_axe": "?", "echeance": "31/02/2025", "url": "javascript:alert(1)", "date_adoption": "hier",
     "cible_2025": "Infinity", "cible_2026": "--1", "reference_deliberation": ""},
]


def test_no_500_on_garbage_posts(dcp, instance):
    spaser = SpaserFactory(acheteurs=[instance])
    objectif = ObjectifFactory(axe__spaser=spaser)
    indicateur = IndicateurFactory(objectif=objectif)
    programmation = ProgrammationFactory(acheteur=instance)
    urls = [
        reverse("spaser:create"), reverse("spaser:update", args=[spaser.pk]),
        reverse("spaser:adopter", args=[spaser.pk]),
        reverse("spaser:axe_create", args=[spaser.pk]), reverse("spaser:objectif_create", args=[objectif.axe.pk]),
        reverse("spaser:indicateur_create", args=[objectif.pk]),
        reverse("spaser:indicateur_update", args=[indicateur.pk]),
        reverse("spaser:indicateur_valeurs", args=[indicateur.pk]),
        reverse("spaser:action_create", args=[spaser.pk]), reverse("spaser:document_create", args=[spaser.pk]),
        reverse("spaser:programmation_create"), reverse("spaser:programmation_update", args=[programmation.pk]),
    ]
    for url in urls:
        for data in GARBAGE:
            response = dcp.post(url, data)
            assert response.status_code in (200, 302), (url, data, response.status_code)
    assert dcp.get(reverse("spaser:programmation_export", args=["pdf"])).status_code == 404
