import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from core.enums import Role
from marches.enums import StatutConformite
from marches.models import Entreprise, Marche
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def direction(instance):
    return DirectionFactory(organisation=instance)


@pytest.fixture
def dcp(client, instance):
    user = UserFactory(role=Role.DCP, organisation=instance)
    client.force_login(user)
    return user


def _rows(n, acheteur, **kw):
    for _ in range(n):
        m = MarcheFactory(acheteur=acheteur, **kw)
        AttributionFactory(marche=m)


@pytest.mark.parametrize("name, url", [
    ("list", "/marches/"), ("list_filtered", "/marches/?q=Entreprise&annee=2025&tri=-montant_ht"),
    ("export_csv", "/marches/export/?format=csv"), ("export_xlsx", "/marches/export/?format=xlsx"),
    ("entreprises", "/marches/entreprises/"), ("decp_json", "/marches/decp.json"),
])
def test_list_and_exports_queries_do_not_grow_and_match_their_snapshots(name, url, client, dcp, instance,
                                                                        snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    _rows(5, instance)
    assert_queries_stable(f"marches_views_{name}", client, url, lambda: _rows(45, instance), update=snapshot_update)


def test_search_on_awardee_name_siret_object_and_identifier(client, dcp, instance):
    m = MarcheFactory(acheteur=instance, objet="Entretien des espaces verts", identifiant="2025EV01")
    AttributionFactory(marche=m, entreprise=EntrepriseFactory(nom="Landes Paysages", siret="73282932000074"))
    other = MarcheFactory(acheteur=instance, objet="Travaux de voirie")
    search = lambda q: [o.pk for o in client.get("/marches/", {"q": q}).context["object_list"]]  # noqa: E731
    for q in ("paysages", "73282932", "espaces verts", "2025EV"):
        assert search(q) == [m.pk], q
    # The other contract is found by its own words, and a search matching nothing lists nothing.
    assert search("voirie") == [other.pk]
    assert search("zorglub") == []
    assert sorted(search("")) == sorted([m.pk, other.pk])


def test_filters_year_compliance_consideration_and_sorting(client, dcp, instance):
    old = MarcheFactory(acheteur=instance, date_notification=datetime.date(2023, 5, 1), montant_ht=Decimal("10"))
    new = MarcheFactory(acheteur=instance, date_lancement=datetime.date(2026, 9, 1),
                        date_notification=datetime.date(2026, 10, 1), clause_sociale=True, montant_ht=Decimal("20"))
    get = lambda **p: [o.pk for o in client.get("/marches/", p).context["object_list"]]  # noqa: E731
    assert get(annee="2023") == [old.pk]
    assert get(conformite=StatutConformite.NON_CONFORME) == [new.pk]
    assert get(consideration="sociale") == [new.pk]
    assert get(consideration="aucune") == [old.pk]
    assert get(tri="montant_ht") == [old.pk, new.pk]
    assert get(tri="-montant_ht") == [new.pk, old.pk]
    assert client.get("/marches/", {"annee": "pas-une-annee"}).status_code == 200


def test_pagination_by_50(client, dcp, instance):
    for _ in range(51):
        MarcheFactory(acheteur=instance)
    response = client.get("/marches/")
    assert len(response.context["object_list"]) == 50
    assert len(client.get("/marches/?page=2").context["object_list"]) == 1


def test_partner_sees_only_its_organisation(client, instance):
    partenaire = OrganisationFactory(partenaire=True)
    own = MarcheFactory(acheteur=partenaire)
    other = MarcheFactory(acheteur=instance)
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=partenaire))
    assert [o.pk for o in client.get("/marches/").context["object_list"]] == [own.pk]
    assert client.get(reverse("marches:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("marches:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("marches:update", args=[own.pk])).status_code == 403
    content = b"".join(client.get("/marches/export/?format=csv").streaming_content).decode()
    assert own.identifiant in content and other.identifiant not in content


def test_acheteur_edits_only_its_direction(client, instance, direction):
    user = UserFactory(role=Role.ACHETEUR, organisation=instance, direction=direction)
    client.force_login(user)
    own = MarcheFactory(acheteur=instance, direction=direction)
    other = MarcheFactory(acheteur=instance, direction=DirectionFactory(organisation=instance))
    assert client.get(reverse("marches:update", args=[own.pk])).status_code == 200
    assert client.get(reverse("marches:update", args=[other.pk])).status_code == 403
    assert client.get(reverse("marches:detail", args=[other.pk])).status_code == 200


def _form_data(acheteur, **kw):
    data = {"acheteur": acheteur.pk, "categorie": "marche", "identifiant": "2026-001", "objet": "Nettoyage des collèges",
            "code_cpv": "90910000", "nature": "Marché", "procedure": "Appel d'offres ouvert",
            "type_groupement": "Pas de groupement", "valeur_estimee_ht": "300000", "montant_ht": "290000",
            "duree_mois": "48", "date_lancement": "2026-09-01", "date_notification": "2026-11-15",
            "lieu_code": "40000", "lieu_type_code": "Code postal", "offres_recues": "4",
            "clause_environnementale": "on", "critere_environnemental": "on"}
    data.update(kw)
    return data


def test_create_keeps_input_on_error_then_saves_with_compliance(client, dcp, instance):
    response = client.post(reverse("marches:create"), _form_data(instance, code_cpv="9091"))
    assert response.status_code == 200
    assert "Le code CPV compte 8 chiffres" in response.content.decode()
    assert 'value="Nettoyage des collèges"' in response.content.decode() or "Nettoyage des collèges" in \
        response.content.decode()
    assert not Marche.objects.exists()
    response = client.post(reverse("marches:create"), _form_data(instance, derogation_sociale="on"))
    assert "Une dérogation doit être justifiée" in response.content.decode()
    response = client.post(reverse("marches:create"), _form_data(instance))
    marche = Marche.objects.get()
    assert response.status_code == 302
    assert marche.statut_conformite == StatutConformite.NON_CONFORME  # 300,000 € ≥ 216,000 € without social clause
    page = client.get(reverse("marches:detail", args=[marche.pk])).content.decode()
    assert "Condition d&#x27;exécution sociale absente" in page
    assert marche.history.first().history_user == dcp


def test_detail_before_the_law_says_what_would_be_missing(client, dcp, instance):
    marche = MarcheFactory(acheteur=instance, date_lancement=datetime.date(2026, 3, 1))
    page = client.get(reverse("marches:detail", args=[marche.pk])).content.decode()
    assert "ce marché manquerait de" in page and "Critère d&#x27;attribution environnemental absent" in page


def test_attribution_creates_unknown_company_and_refuses_bad_siret(client, dcp, instance):
    marche = MarcheFactory(acheteur=instance)
    url = reverse("marches:attribution_create", args=[marche.pk])
    response = client.post(url, {"role": "titulaire", "siret": "12345678901235", "nom": "X"})
    assert "clé de contrôle" in response.content.decode()
    response = client.post(url, {"role": "sous_traitant", "siret": "732 829 320 00074", "nom": "Landes Paysages"})
    assert response.status_code == 302
    assert Entreprise.objects.get(siret="73282932000074").nom == "Landes Paysages"
    marche.refresh_from_db()
    assert marche.sous_traitance_declaree


def test_amendment_page_updates_amount(client, dcp, instance):
    marche = MarcheFactory(acheteur=instance, montant_ht=Decimal("100000"))
    client.post(reverse("marches:modification_create", args=[marche.pk]),
                {"objet": "Travaux supplémentaires", "montant_ht": "112000", "date_notification": "2025-10-01"})
    marche.refresh_from_db()
    assert marche.montant_ht == Decimal("112000") and marche.montant_initial_ht == Decimal("100000")


def test_company_form_checks_siret(client, dcp):
    response = client.post(reverse("marches:entreprise_create"),
                           {"siret": "12345678901235", "type_identifiant": "SIRET", "nom": "X", "type_structure": "EI"})
    assert "clé de contrôle incorrecte" in response.content.decode()
    response = client.post(reverse("marches:entreprise_create"),
                           {"siret": "35600000000048", "type_identifiant": "SIRET", "nom": "La Poste",
                            "type_structure": "AUTRE", "code_postal": "40000"})
    assert response.status_code == 302 and Entreprise.objects.get(siret="35600000000048").departement == "40"


def test_export_escapes_formulas(client, dcp, instance):
    MarcheFactory(acheteur=instance, objet="=HYPERLINK(\"http://x\")")
    csv_text = b"".join(client.get("/marches/export/?format=csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    from openpyxl import load_workbook

    response = client.get("/marches/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert "'=HYPERLINK(\"http://x\")" in values


def test_dcp_edits_threshold(client, dcp):
    from marches.models import SeuilEuropeen

    seuil = SeuilEuropeen.objects.get(type_seuil="travaux", date_debut__year=2026)
    response = client.post(reverse("marches:seuil_update", args=[seuil.pk]),
                           {"type_seuil": "travaux", "date_debut": "2026-01-01", "date_fin": "2027-12-31",
                            "montant_ht": "5500000"})
    assert response.status_code == 302
    seuil.refresh_from_db()
    assert seuil.montant_ht == Decimal("5500000")


def test_search_ignores_case_and_accents_and_follows_company_changes(client, dcp, instance):
    from marches.services import entreprise_enregistrer

    m = MarcheFactory(acheteur=instance, objet="Élagage des arbres d'alignement")
    entreprise = EntrepriseFactory(nom="Arbres et Forêts")
    AttributionFactory(marche=m, entreprise=entreprise)
    from marches.services import marche_recherche_actualiser

    marche_recherche_actualiser(marche_ids=[m.pk])
    get = lambda q: [o.pk for o in client.get("/marches/", {"q": q}).context["object_list"]]  # noqa: E731
    assert get("ELAGAGE") == [m.pk] and get("forets") == [m.pk]
    entreprise.nom = "Sylva Landes"
    entreprise_enregistrer(entreprise=entreprise)
    assert get("sylva") == [m.pk] and get("forets") == []


def test_search_count_is_capped(client, dcp, instance, monkeypatch):
    from marches.views.marches import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for _ in range(5):
        MarcheFactory(acheteur=instance, objet="Voirie communale")
    response = client.get("/marches/", {"q": "voirie"})
    assert "Plus de 10 000 marchés" in response.content.decode()  # the wording of the real cap
    assert len(response.context["object_list"]) == 4
    assert client.get("/marches/").context["paginator"].count == 5


def test_acheteur_creates_in_its_own_direction_whatever_it_posts(client, instance, direction):
    user = UserFactory(role=Role.ACHETEUR, organisation=instance, direction=direction)
    client.force_login(user)
    other_org = OrganisationFactory(partenaire=True)
    other_direction = DirectionFactory(organisation=instance)
    response = client.post(reverse("marches:create"),
                           _form_data(other_org, direction=other_direction.pk, identifiant="ACH-1"))
    assert response.status_code == 302
    marche = Marche.objects.get(identifiant="ACH-1")
    assert (marche.acheteur, marche.direction) == (instance, direction)
    assert client.get(reverse("marches:update", args=[marche.pk])).status_code == 200


def test_large_xlsx_export_is_refused_with_a_message(client, dcp, instance, monkeypatch):
    monkeypatch.setattr("marches.views.marches.XLSX_MAX", 2)
    for _ in range(3):
        MarcheFactory(acheteur=instance)
    response = client.get("/marches/export/?format=xlsx&annee=2025")
    assert response.status_code == 302 and response["Location"] == "/marches/?annee=2025"
