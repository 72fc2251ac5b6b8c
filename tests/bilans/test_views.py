import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bilans.models import Bilan
from core.enums import Role
from core.models import Tache
from tests.bilans.conftest import IDENTITES
from tests.bilans.helpers import normalise, page_chiffres, pdf_text, xlsx_text
from tests.core.factories import UserFactory
from tests.facilitateurs.factories import HeuresMensuellesFactory
from tests.marches.factories import MarcheFactory

SECRETS = [*IDENTITES, *[n.split()[1] for n in IDENTITES], "zephyrine@example.org", "06 12 34 56 78"]


@pytest.fixture
def users(jeu):
    return {
        role: UserFactory(role=role, organisation=jeu.partenaire if role == Role.PARTENAIRE else jeu.instance)
        for role in Role.values
    }


def _assert_no_identity(text, jeu):
    text = normalise(text)
    for secret in SECRETS:
        assert secret not in text
    for participant in jeu.participants:  # not even their pseudonymous codes
        assert participant.code not in text


def test_dashboard_shows_the_figures_and_the_charts(client, users, jeu):
    client.force_login(users["elu"])
    response = page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025})
    assert response.status_code == 200
    html = normalise(response.content.decode())
    assert "380 h" in html and "730 h" in html and "200 000,00 €" in html
    assert "chart.umd.min.js" in html and 'data-chart="tendance_heures"' in html
    assert "Générer le bilan annuel" not in html  # an élu reads, the DCP asks
    client.force_login(users["dcp"])
    assert "Générer le bilan annuel" in client.get(reverse("bilans:dashboard")).content.decode()
    assert response.context["data"].heures_realisees == 380


def test_dashboard_filters(client, users, jeu):
    client.force_login(users["dcp"])
    response = page_chiffres(client, reverse("bilans:dashboard"),
                          {"annee": 2025, "acheteur": jeu.instance.pk, "direction": jeu.direction.pk})
    assert response.context["data"].heures_realisees == 280
    response = page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025, "famille": jeu.f2.pk})
    assert response.context["data"].marches_notifies.nombre == 1
    response = page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025, "acheteur": jeu.partenaire.pk})
    assert response.context["data"].heures_realisees == 300


@pytest.mark.parametrize("query", [{"annee": "abc"}, {"annee": "1"}, {"acheteur": "999999"},
                                   {"direction": "x", "famille": "-1", "convention": "0"}])
def test_dashboard_never_breaks_on_bad_input(client, users, jeu, query):
    client.force_login(users["dcp"])
    response = page_chiffres(client, reverse("bilans:dashboard"), query)
    assert response.status_code == 200


def test_partner_is_locked_to_its_own_organisation(client, users, jeu):
    client.force_login(users["partenaire"])
    response = page_chiffres(client, reverse("bilans:dashboard"), {"annee": 2025, "acheteur": jeu.instance.pk})
    data = response.context["data"]
    assert data.acheteur_siret == jeu.partenaire.siret
    assert data.heures_realisees == 300
    export = page_chiffres(client, reverse("bilans:export"), {"annee": 2025, "acheteur": jeu.instance.pk})
    assert jeu.partenaire.siret in xlsx_text(export.content)
    assert jeu.instance.siret not in xlsx_text(export.content)


def test_xlsx_export_of_one_chart_and_of_all(client, users, jeu):
    client.force_login(users["elu"])
    one = page_chiffres(client, reverse("bilans:export"), {"annee": 2025, "graphique": "heures_modalite"})
    assert one["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(one.content))
    assert wb.sheetnames == ["heures_modalite"]
    values = [row for row in wb.active.iter_rows(values_only=True)]
    assert ("Formation", 90, 120, 1) in values
    every = load_workbook(BytesIO(page_chiffres(client, reverse("bilans:export"), {"annee": 2025}).content))
    assert {"considerations", "tendance_heures", "sorties", "heures_commune"} <= set(every.sheetnames)
    assert page_chiffres(client, reverse("bilans:export"), {"graphique": "inconnu"}).status_code == 404


@pytest.mark.parametrize("role", ["elu", "partenaire", "dcp", "acheteur"])
def test_no_participant_identity_in_dashboard_exports_or_bilan(client, users, jeu, role, tmp_path,
                                                                django_capture_on_commit_callbacks):
    client.force_login(users[role])
    for query in ({"annee": 2025}, {"annee": 2025, "convention": jeu.convention.pk}):
        _assert_no_identity(page_chiffres(client, reverse("bilans:dashboard"), query).content.decode(), jeu)
        _assert_no_identity(xlsx_text(page_chiffres(client, reverse("bilans:export"), query).content), jeu)
    if role in ("elu", "acheteur"):
        bilan = Bilan.objects.create(acheteur=jeu.instance, annee=2025)
        from bilans.services import bilan_generer

        bilan_generer(bilan=bilan)
    else:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("bilans:bilan_demander"), {"annee": 2025, "acheteur": jeu.instance.pk})
        assert response.status_code == 302
        bilan = Bilan.objects.latest("id")
    response = client.get(reverse("bilans:bilan_telecharger", kwargs={"pk": bilan.pk}))
    assert response.status_code == 200
    _assert_no_identity(pdf_text(b"".join(response.streaming_content), tmp_path), jeu)


def test_dcp_asks_for_a_bilan_and_downloads_it(client, users, jeu, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(users["dcp"])
    page = client.get(reverse("bilans:bilans"))
    assert "Générer le bilan annuel" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bilans:bilan_demander"),
                               {"annee": 2025, "acheteur": jeu.instance.pk, "depuis": 2024})
    bilan = Bilan.objects.get()
    assert response.url == reverse("bilans:bilan_detail", kwargs={"pk": bilan.pk})
    assert bilan.demande_par == users["dcp"] and bilan.depuis == 2024
    assert bilan.tache.etat == Tache.Etat.TERMINEE and bilan.etat == "terminee"
    etat = client.get(reverse("bilans:bilan_etat", kwargs={"pk": bilan.pk})).json()
    assert etat["etat"] == "terminee" and etat["fichier"] and etat["url"]
    detail = client.get(reverse("bilans:bilan_detail", kwargs={"pk": bilan.pk})).content.decode()
    assert "Télécharger le PDF" in detail and "Régénérer" in detail
    pdf = b"".join(client.get(etat["url"]).streaming_content)
    assert "730 h" in pdf_text(pdf, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bilans:bilan_regenerer", kwargs={"pk": bilan.pk}))
    assert Bilan.objects.count() == 2
    nouveau = Bilan.objects.latest("id")
    assert nouveau.parametres() == bilan.parametres() and nouveau.fichier


def test_failed_bilan_shows_the_reason(client, users, jeu, monkeypatch, django_capture_on_commit_callbacks):
    from bilans import services

    def broken(**kwargs):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(services, "bilan_pdf", broken)
    client.force_login(users["dcp"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bilans:bilan_demander"), {"annee": 2025})
    bilan = Bilan.objects.get()
    assert bilan.etat == "echec"
    etat = client.get(reverse("bilans:bilan_etat", kwargs={"pk": bilan.pk})).json()
    assert "police introuvable" in etat["message"] and not etat["fichier"]
    assert "police introuvable" in client.get(reverse("bilans:bilan_detail", kwargs={"pk": bilan.pk})).content.decode()


def test_partner_asks_only_for_its_own_bilan(client, users, jeu, django_capture_on_commit_callbacks):
    client.force_login(users["partenaire"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bilans:bilan_demander"),
                    {"annee": 2025, "acheteur": jeu.instance.pk, "convention": jeu.convention.pk})
    bilan = Bilan.objects.get()
    assert bilan.acheteur == jeu.partenaire and bilan.convention == jeu.convention
    assert client.get(reverse("bilans:bilan_detail", kwargs={"pk": bilan.pk})).status_code == 200
    autre = Bilan.objects.create(acheteur=jeu.instance, annee=2025)
    autre.fichier.save("x.pdf", ContentFile(b"%PDF"), save=True)
    for name in ("bilans:bilan_detail", "bilans:bilan_etat", "bilans:bilan_telecharger"):
        assert client.get(reverse(name, kwargs={"pk": autre.pk})).status_code == 404
    listing = client.get(reverse("bilans:bilans")).content.decode()
    assert f'data-bilan="{bilan.pk}"' in listing and f'data-bilan="{autre.pk}"' not in listing


def test_bad_request_keeps_what_was_typed(client, users, jeu):
    client.force_login(users["dcp"])
    response = client.post(reverse("bilans:bilan_demander"), {"annee": "2025", "depuis": "2030"})
    assert response.status_code == 400
    assert 'value="2030"' in response.content.decode()
    assert not Bilan.objects.exists()


@pytest.mark.parametrize("url_name", ["bilans:dashboard", "bilans:export"])
def test_dashboard_and_export_queries_do_not_grow_and_match_their_snapshots(url_name, client, users, jeu,
                                                                            snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    client.force_login(users["dcp"])

    def grow():
        for _ in range(45):
            HeuresMensuellesFactory(marche=MarcheFactory(acheteur=jeu.instance))

    assert_queries_stable(f"bilans_views_{url_name.split(':')[1]}", client, reverse(url_name), grow,
                          data={"annee": 2025}, update=snapshot_update)


@pytest.mark.parametrize("role", ["elu", "partenaire"])
def test_home_page_leads_to_the_dashboard_and_the_bilans(client, users, role):
    client.force_login(users[role])
    html = client.get(reverse("core:home")).content.decode()
    assert f'data-role="{role}"' in html
    assert reverse("bilans:dashboard") in html and reverse("bilans:bilans") in html


def test_bilan_list_queries_do_not_grow_and_match_the_snapshot(client, users, jeu, snapshot_update):
    from tests.sql_snapshots import assert_queries_stable

    client.force_login(users["dcp"])
    for _ in range(5):
        Bilan.objects.create(acheteur=jeu.instance, annee=2025, demande_par=users["dcp"],
                             tache=Tache.objects.create(type="bilan_annuel"))

    def grow():
        for _ in range(45):
            Bilan.objects.create(acheteur=jeu.partenaire, annee=2024, demande_par=users["partenaire"],
                                 convention=jeu.convention, tache=Tache.objects.create(type="bilan_annuel"))

    assert_queries_stable("bilans_views_bilans", client, reverse("bilans:bilans"), grow, update=snapshot_update)


def test_partner_without_organisation_sees_nothing(client, jeu):
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=None))
    assert client.get(reverse("bilans:dashboard")).status_code == 404
    assert client.get(reverse("bilans:export")).status_code == 404
    assert client.post(reverse("bilans:bilan_demander"), {"annee": 2025}).status_code == 403
