"""In the browser: the page of a large import run as a job (marches:import_tache) follows the job by itself
(static/js/import-suivi.js) from its progress to its end, fits a 390 px phone and passes axe-core, running, done
and refused (with the table of problems)."""

import pytest

from core.enums import Role
from core.jobs import progression_noter
from core.models import Tache
from tests.browser.a11y import PHONE_WIDTH, axe_violations, overflow
from tests.browser.connexion import connecter
from tests.core.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_the_import_to_its_end(live_server, page):
    instance = OrganisationFactory(instance=True)
    user = UserFactory(username="dcp-import", role=Role.DCP, organisation=instance)
    tache = Tache.objects.create(type="import_marches", demandee_par=user, etat=Tache.Etat.EN_COURS,
                                 parametres={"nom": "registre-national.csv", "format": "registre"})
    progression_noter(tache, fait=1200, total=3000, etape="Enregistrement des lignes")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    connecter(page, live_server, "dcp-import")
    page.goto(f"{live_server.url}/marches/imports/taches/{tache.pk}/")
    assert "Enregistrement des lignes : 40 % (1\u202f200 sur 3\u202f000)" in page.get_by_role("status").inner_text()
    assert page.locator("progress").get_attribute("value") == "40"
    assert axe_violations(page) == [] and overflow(page) == []
    progression_noter(tache, fait=2400, total=3000, etape="Enregistrement des lignes")
    page.wait_for_function("() => document.querySelector('progress')?.value === 80", timeout=10_000)
    Tache.objects.filter(pk=tache.pk).update(etat=Tache.Etat.TERMINEE, resultat={
        "fichier": "registre-national.csv", "nb_lus": 3000, "nb_crees": 2990, "nb_modifies": 10, "nb_inchanges": 0,
        "nb_anomalies": 0})
    page.wait_for_selector("[data-import-suivi][data-fini]", timeout=10_000)
    statut = page.get_by_role("status").inner_text()
    assert "« registre-national.csv » importé : 3\u202f000 enregistrements lus, 2\u202f990 créés, 10 modifiés" in statut
    assert page.locator("progress").count() == 0 and "Terminée" in page.locator("#suivi-titre").inner_text()
    assert axe_violations(page) == [] and overflow(page) == []


def test_a_refused_file_s_problems_fit_a_phone_and_pass_axe(live_server, page):
    instance = OrganisationFactory(instance=True)
    user = UserFactory(username="dcp-refus", role=Role.DCP, organisation=instance)
    tache = Tache.objects.create(type="import_marches", demandee_par=user, etat=Tache.Etat.ECHEC,
                                 parametres={"nom": "faux.csv", "format": "registre"},
                                 message="ImportRefuse : 1 erreur(s), rien n'a été enregistré : …")
    progression_noter(tache, fait=0, total=0, etape="Fichier refusé", nb_erreurs=1, erreurs=[{
        "lieu": "ligne 6", "id": "", "colonne": "duree_mois",
        "raison": "« douze » n'est pas un nombre entier de mois"}])
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    connecter(page, live_server, "dcp-refus")
    page.goto(f"{live_server.url}/marches/imports/taches/{tache.pk}/")
    assert "Fichier refusé : rien n'a été enregistré." in page.get_by_role("status").inner_text()
    assert "duree_mois" in page.get_by_test_id("erreurs").inner_text()
    assert axe_violations(page) == [] and overflow(page) == []
