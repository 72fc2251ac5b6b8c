"""The administration (/administration/, core.admin_site): administrators only, writes through the services,
every change in the history with its author."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses.models import FamilleAchat
from core.admin_site import ReferentielAdmin, site
from core.enums import Role
from core.models import Organisation, User
from core.services import user_enregistrer
from facilitateurs.models import Convention
from marches.enums import StatutConformite
from marches.models import Marche, SeuilEuropeen
from tests.clauses.factories import FamilleAchatFactory
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ConventionFactory
from tests.marches.factories import MarcheFactory
from tests.test_conventions import BUSINESS_APPS, WRITE_CALLS

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance():
    return OrganisationFactory(instance=True)


@pytest.fixture
def administrateur(instance):
    return UserFactory(username="adm-site", role=Role.ADMIN, organisation=instance)


@pytest.fixture
def adm(client, administrateur):
    client.force_login(administrateur)
    return client


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _organisation_data(organisation, **changes):
    return {"siret": organisation.siret, "nom": organisation.nom, "code_postal": organisation.code_postal,
            "type": organisation.type, **changes}


# --- Who gets in ---------------------------------------------------------------------------------------------


def test_an_administrator_sees_every_reference_model_on_the_home_page(adm):
    html = adm.get(reverse("admin:index")).content.decode()
    for model in (Organisation, User, FamilleAchat, SeuilEuropeen, Convention):
        assert _url(model, "changelist") in html, model


def test_an_administrator_lists_changes_and_reads_the_history(adm, administrateur):
    organisation = OrganisationFactory(partenaire=True, nom="Commune de Soustons")
    listing = adm.get(_url(Organisation, "changelist") + "?q=Soustons")
    assert listing.status_code == 200
    assert "Commune de Soustons" in listing.content.decode()

    response = adm.post(_url(Organisation, "change", organisation.pk),
                        _organisation_data(organisation, nom="Commune de Soustons (40)"))
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.nom == "Commune de Soustons (40)"

    historique = adm.get(_url(Organisation, "history", organisation.pk)).content.decode()
    assert "Commune de Soustons (40)" in historique
    assert "Historique : Commune de Soustons (40)" in historique
    assert str(administrateur) in historique  # who made the change
    assert "<li>Nom : passe de « Commune de Soustons » à « Commune de Soustons (40) ».</li>" in historique
    version = organisation.history.order_by("history_id").first()
    ancienne = adm.get(_url(Organisation, "simple_history", organisation.pk, version.history_id))
    assert ancienne.status_code == 200
    assert 'value="Commune de Soustons"' in ancienne.content.decode()


def _historique_utilisateur(adm, administrateur, changements: int):
    """The administration's history page of a user whose direction changed `changements` times."""
    cible = UserFactory(role=Role.ACHETEUR)
    directions = [DirectionFactory(nom=f"Direction {changements}-{n}") for n in range(changements + 1)]
    for direction in directions:
        cible.direction = direction
        user_enregistrer(target=cible, user=administrateur)
    with CaptureQueriesContext(connection) as requetes:
        html = adm.get(_url(User, "history", cible.pk)).content.decode()
    return html, directions, len(requetes)


def test_the_history_page_names_related_objects_in_batches(adm, administrateur):
    """A change of a related object reads with its name; the names are read in one query for the whole page, not
    one query per change (the page cost the same however long the history)."""
    html, directions, courte = _historique_utilisateur(adm, administrateur, 2)
    assert f"Direction : passe de « {directions[0]} » à « {directions[1]} »." in html
    html, directions, longue = _historique_utilisateur(adm, administrateur, 8)
    assert f"Direction : passe de « {directions[6]} » à « {directions[7]} »." in html
    assert longue == courte


def test_a_change_in_the_administration_is_in_the_history_with_its_author(adm, administrateur):
    organisation = OrganisationFactory(partenaire=True, nom="Syndicat des eaux")
    adm.post(_url(Organisation, "change", organisation.pk), _organisation_data(organisation, code_postal="40140"))
    derniere = organisation.history.order_by("-history_id").first()
    assert derniere.history_type == "~"
    assert derniere.code_postal == "40140"
    assert derniere.history_user == administrateur


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_other_roles_are_refused_even_staff_and_superuser(role, client, instance):
    organisation = OrganisationFactory(partenaire=True, nom="Ville témoin")
    user = UserFactory(role=role, organisation=organisation if role == Role.PARTENAIRE else instance,
                       is_staff=True, is_superuser=True)
    client.force_login(user)
    for url in (reverse("admin:index"), _url(Organisation, "changelist"),
                _url(Organisation, "change", organisation.pk), _url(Organisation, "history", organisation.pk)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Ville témoin" not in response.content.decode()
    response = client.post(_url(Organisation, "change", organisation.pk),
                           _organisation_data(organisation, nom="Ville piratée"))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.nom == "Ville témoin"


def test_an_anonymous_visitor_is_sent_to_the_application_login_page(client):
    for url in (reverse("admin:index"), _url(Organisation, "changelist"), reverse("admin:login")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=/administration/"), url


# --- Writes go through the services --------------------------------------------------------------------------


def test_saving_a_threshold_recomputes_the_compliance_of_contracts(adm, administrateur):
    marche = MarcheFactory(date_lancement=datetime.date(2026, 9, 1), code_cpv="79000000",
                           montant_ht=Decimal("200000"), clause_environnementale=True, critere_environnemental=True)
    assert marche.statut_conformite == StatutConformite.CONFORME
    seuil = SeuilEuropeen.objects.get(type_seuil="fcs_collectivites", date_debut__year=2026)
    response = adm.post(_url(SeuilEuropeen, "change", seuil.pk), {
        "type_seuil": seuil.type_seuil, "date_debut": seuil.date_debut.isoformat(),
        "date_fin": seuil.date_fin.isoformat(), "montant_ht": "150000",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Marche.objects.get(pk=marche.pk).statut_conformite == StatutConformite.NON_CONFORME
    assert seuil.history.order_by("-history_id").first().history_user == administrateur


def test_the_threshold_form_keeps_its_rules(adm):
    seuil = SeuilEuropeen.objects.get(type_seuil="travaux", date_debut__year=2026)
    response = adm.post(_url(SeuilEuropeen, "change", seuil.pk), {
        "type_seuil": seuil.type_seuil, "date_debut": "2026-01-01", "date_fin": "2025-12-31",
        "montant_ht": "-1",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "La fin précède le début." in html and "Le seuil est un montant positif." in html
    assert SeuilEuropeen.objects.get(pk=seuil.pk).montant_ht == seuil.montant_ht


def test_a_family_is_saved_by_its_service_with_the_application_form(adm, administrateur):
    famille = FamilleAchatFactory(nom="Espaces verts", prefixes_cpv=["77"])
    response = adm.post(_url(FamilleAchat, "change", famille.pk), {
        "nom": "Espaces verts", "description": "", "prefixes": "77, 4511 2", "part_pct": "60", "taux_pct": "7",
        "cout_horaire": "32", "reservation_conseillee": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    famille.refresh_from_db()
    assert famille.prefixes_cpv == ["77", "45112"]
    assert (famille.part_main_oeuvre, famille.taux_insertion) == (Decimal("0.6"), Decimal("0.07"))
    assert famille.history.order_by("-history_id").first().history_user == administrateur


def test_a_user_is_saved_with_the_application_rules(adm, administrateur, instance):
    cible = UserFactory(username="agent", role=Role.ACHETEUR, organisation=instance)
    mot_de_passe = User.objects.get(pk=cible.pk).password
    donnees = {"username": "agent", "password": "", "first_name": "Ana", "last_name": "Lopes",
               "email": "ana@example.org", "role": Role.PARTENAIRE, "organisation": instance.pk, "direction": "",
               "is_active": "on"}
    refuse = adm.post(_url(User, "change", cible.pk), donnees)
    assert refuse.status_code == 200
    assert "Un partenaire est rattaché à l&#x27;organisation partenaire" in refuse.content.decode()
    assert User.objects.get(pk=cible.pk).role == Role.ACHETEUR

    response = adm.post(_url(User, "change", cible.pk), {**donnees, "role": Role.DCP})
    assert response.status_code == 302, response.content.decode()[:2000]
    cible.refresh_from_db()
    assert (cible.role, cible.first_name) == (Role.DCP, "Ana")
    assert cible.password == mot_de_passe  # left empty: unchanged
    assert cible.history.order_by("-history_id").first().history_user == administrateur


def test_a_user_created_in_the_administration_gets_a_checked_password(adm, administrateur, instance):
    donnees = {"username": "nouvel-agent", "first_name": "Noé", "last_name": "Dufau", "email": "",
               "role": Role.ELU, "organisation": instance.pk, "direction": "", "is_active": "on"}
    faible = adm.post(_url(User, "add"), {**donnees, "password": "1234"})
    assert faible.status_code == 200
    assert "password" in faible.context["adminform"].form.errors
    assert not User.objects.filter(username="nouvel-agent").exists()

    response = adm.post(_url(User, "add"), {**donnees, "password": "Vigne-Landaise-2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    cree = User.objects.get(username="nouvel-agent")
    assert cree.check_password("Vigne-Landaise-2026") and cree.role == Role.ELU
    assert cree.history.get().history_user == administrateur


def test_a_convention_is_saved_with_its_contracts_by_its_service(adm, administrateur):
    partenaire = OrganisationFactory(partenaire=True)
    convention = ConventionFactory(partenaire=partenaire, intitule="Convention 2026")
    sien, autre = MarcheFactory(acheteur=partenaire), MarcheFactory(acheteur=OrganisationFactory(partenaire=True))
    donnees = {"partenaire": partenaire.pk, "intitule": "Convention 2026", "date_debut": "2026-01-01",
               "date_fin": "", "statut": convention.statut, "fse_reference": "", "fse_montant": ""}
    response = adm.post(_url(Convention, "change", convention.pk), {**donnees, "marches": [sien.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(convention.marches.all()) == [sien]
    assert convention.history.order_by("-history_id").first().history_user == administrateur

    response = adm.post(_url(Convention, "change", convention.pk), {**donnees, "marches": [sien.pk, autre.pk]})
    assert response.status_code == 200
    assert "marches" in response.context["adminform"].form.errors  # another buyer's contract
    assert list(convention.marches.all()) == [sien]


def test_the_administrator_changes_his_own_password_through_the_service(client, administrateur):
    administrateur.set_password("ancien-mot-de-passe-42")
    administrateur.save()
    client.force_login(administrateur)
    adm = client
    avant = administrateur.history.count()
    response = adm.post(reverse("admin:password_change"), {
        "old_password": "ancien-mot-de-passe-42", "new_password1": "Nouveau-Sesame-2026",
        "new_password2": "Nouveau-Sesame-2026",
    })
    assert response.status_code == 302
    administrateur.refresh_from_db()
    assert administrateur.check_password("Nouveau-Sesame-2026")
    assert administrateur.history.count() == avant + 1
    assert administrateur.history.order_by("-history_id").first().history_user == administrateur


# --- Nothing deleted, nothing reverted, no 500 ------------------------------------------------------------------


def test_nothing_is_deleted_in_the_administration(adm):
    organisation = OrganisationFactory(partenaire=True)
    assert adm.get(_url(Organisation, "delete", organisation.pk)).status_code == 403
    assert adm.post(_url(Organisation, "delete", organisation.pk), {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    liste = adm.get(_url(Organisation, "changelist")).content.decode()
    assert "delete_selected" not in liste


def test_a_past_version_is_read_only(adm):
    organisation = OrganisationFactory(partenaire=True, nom="Avant")
    version = organisation.history.first()
    organisation.nom = "Après"
    organisation.save()
    response = adm.post(_url(Organisation, "simple_history", organisation.pk, version.history_id),
                        _organisation_data(organisation, nom="Avant"))
    assert response.status_code == 405
    organisation.refresh_from_db()
    assert organisation.nom == "Après"


def test_a_bad_id_is_not_found_not_an_error(adm):
    assert adm.get(reverse("admin:core_organisation_history", kwargs={"object_id": "abc"})).status_code == 404
    assert adm.get(reverse("admin:core_organisation_simple_history",
                           kwargs={"object_id": "abc", "version_id": 1})).status_code == 404
    assert adm.get("/administration/nimporte/quoi/").status_code == 404


# --- Conventions: the admin modules write only through services ---------------------------------------------------


def test_every_page_of_the_administration_writes_through_its_app_service():
    """Each registered admin defines save_model (calling its service), deletion stays off."""
    assert site._registry, "nothing registered: the admin modules were not loaded"
    for model, model_admin in site._registry.items():
        assert isinstance(model_admin, ReferentielAdmin), model
        assert "save_model" in type(model_admin).__dict__, f"{model}: save_model must call the app's service"


ADMIN_MODULES = sorted(
    str(path.relative_to(settings.BASE_DIR))
    for app in BUSINESS_APPS for path in (Path(settings.BASE_DIR) / app).glob("admin*.py")
)


def test_the_admin_modules_are_found():
    assert {"core/admin.py", "core/admin_site.py", "marches/admin.py", "clauses/admin.py"} <= set(ADMIN_MODULES)


@pytest.mark.parametrize("module", ADMIN_MODULES)
def test_admin_modules_do_not_write_to_the_database(module):
    """Same rule as views (tests/test_conventions.py): the admin calls services, it does not write."""
    path = Path(settings.BASE_DIR) / module
    offenders = [
        f"{path.name}:{node.lineno} {ast.unparse(node.func)}()"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_CALLS
    ]
    assert not offenders, f"Writes in {module} belong in the app's services.py: {offenders}"
