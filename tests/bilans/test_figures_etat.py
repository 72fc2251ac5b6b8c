"""The figures' state page (bilans:figures_etat), polled by static/js/figures-etat.js: bad ids answer 404 (never a
500), a partner follows only its own organisation's computations, and the state says what the page shows (waiting,
done with its date, failed with the job's message) and no figure."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bilans import figures
from bilans.models import FiguresCalculees
from core.enums import Role
from core.models import Tache
from tests.bilans.helpers import chiffres_calculer
from tests.core.factories import UserFactory


def _url(pk):
    return reverse("bilans:figures_etat", args=[pk])


@pytest.fixture
def dcp(client, jeu):
    client.force_login(UserFactory(role=Role.DCP, organisation=jeu.instance))
    return client


@pytest.fixture
def partenaire(client, jeu):
    client.force_login(UserFactory(role=Role.PARTENAIRE, organisation=jeu.partenaire))
    return client


@pytest.mark.parametrize("pk", ["abc", "-1", "1.5", "%20", "99999999999999999999"])
def test_a_malformed_or_unknown_id_is_a_404(dcp, jeu, pk):
    FiguresCalculees.objects.create(cle="x", parametres={"annee": 2025, "acheteur": jeu.instance.pk})
    url = _url(1).replace("/1/", f"/{pk}/")
    assert dcp.get(url).status_code == 404


def test_an_id_of_no_row_is_a_404(dcp, jeu):
    ligne = FiguresCalculees.objects.create(cle="x", parametres={"annee": 2025, "acheteur": jeu.instance.pk})
    assert dcp.get(_url(ligne.pk + 1)).status_code == 404
    assert dcp.get(_url(ligne.pk)).status_code == 200


def test_a_partner_follows_only_its_own_organisation_s_figures(partenaire, jeu):
    figures.indicateurs_servis(acheteur=jeu.partenaire, annee=2025)
    figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)
    figures.indicateurs_servis(convention=jeu.convention, annee=2025)  # no buyer in the scope's key
    propre = FiguresCalculees.objects.get(parametres__acheteur=jeu.partenaire.pk)
    assert partenaire.get(_url(propre.pk)).json()["etat"] == "en_attente"
    for autre in FiguresCalculees.objects.exclude(pk=propre.pk):
        response = partenaire.get(_url(autre.pk))
        assert response.status_code == 404 and b"etat" not in response.content


def test_the_state_says_waiting_then_done_with_the_date_and_no_figure(dcp, jeu):
    _data, etat = figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)
    attente = dcp.get(_url(etat.figures_id)).json()
    assert attente == {"id": etat.figures_id, "etat": "en_attente", "etat_libelle": "En attente", "message": "",
                       "calcule_le": ""}
    chiffres_calculer()
    fini = dcp.get(_url(etat.figures_id)).json()
    ligne = FiguresCalculees.objects.get()
    assert fini["etat"] == "terminee" and fini["message"] == ""
    assert fini["calcule_le"] == timezone.localtime(ligne.calcule_le).strftime("%d/%m/%Y %H:%M")
    assert set(fini) == {"id", "etat", "etat_libelle", "message", "calcule_le"}  # a state, never a figure


def test_a_failed_computation_gives_the_job_s_message(dcp, jeu, monkeypatch):
    def en_panne(**parametres):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(figures.selectors, "indicateurs_annuels", en_panne)
    _data, etat = figures.indicateurs_servis(acheteur=jeu.instance, annee=2025)
    chiffres_calculer()
    tache = Tache.objects.get(type=figures.JOB_TYPE)
    assert tache.etat == Tache.Etat.ECHEC and tache.message
    echec = dcp.get(_url(etat.figures_id)).json()
    assert echec["etat"] == "echec" and echec["message"] == tache.message and echec["calcule_le"] == ""
