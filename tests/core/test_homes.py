"""Each role's home answers "what do I do now?": the buyer's to-do lists and programmed purchases, the élu's
latest bilan (its stored key figures) or who produces it."""

import datetime
import html as html_module
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from bilans.models import Bilan
from core.enums import Role
from marches.enums import RoleEntreprise, StatutConformite
from marches.selectors import acheteur_a_faire
from spaser.models import Programmation
from spaser.selectors import programmation_a_venir
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def _complet(**kwargs):
    """A contract with everything DECP needs (an awardee, a form and a type of price)."""
    marche = MarcheFactory(forme_prix="Forfaitaire", types_prix=["Définitif ferme"], **kwargs)
    AttributionFactory(marche=marche, entreprise=EntrepriseFactory(), role=RoleEntreprise.TITULAIRE)
    return marche


@pytest.fixture
def acheteur():
    direction = DirectionFactory()
    return UserFactory(role=Role.ACHETEUR, organisation=direction.organisation, direction=direction)


def test_acheteur_a_faire_lists_each_kind_of_task_of_its_direction_only(acheteur):
    d = acheteur.direction
    publie = _complet(direction=d, acheteur=d.organisation, date_publication_donnees=datetime.date(2025, 6, 20))
    a_publier = _complet(direction=d, acheteur=d.organisation)
    incomplet = _complet(direction=d, acheteur=d.organisation, code_cpv="")
    sans_titulaire = MarcheFactory(direction=d, acheteur=d.organisation, forme_prix="Forfaitaire",
                                   types_prix=["Définitif ferme"])
    petit = MarcheFactory(direction=d, acheteur=d.organisation, montant_ht=10000, code_cpv="")  # under 40 000 €
    ancien = MarcheFactory(direction=d, acheteur=d.organisation, code_cpv="",
                           date_notification=datetime.date(2023, 5, 1))  # before DECP v2
    brouillon = MarcheFactory(direction=d, acheteur=d.organisation, date_notification=None)
    non_conforme = MarcheFactory(direction=d, acheteur=d.organisation)
    type(non_conforme).objects.filter(pk=non_conforme.pk).update(statut_conformite=StatutConformite.NON_CONFORME)
    autre = MarcheFactory(direction=DirectionFactory(), date_notification=None, code_cpv="")  # another direction

    a_faire = acheteur_a_faire(user=acheteur, today=TODAY)

    assert {m.pk for m in a_faire["brouillons"].premiers} == {brouillon.pk}
    assert {m.pk for m in a_faire["non_conformes"].premiers} == {non_conforme.pk}
    assert {m.pk for m in a_faire["decp_incomplets"].premiers} == {incomplet.pk, sans_titulaire.pk, non_conforme.pk}
    assert {m.pk for m in a_faire["decp_a_publier"].premiers} == {a_publier.pk}
    tous = {m.pk for liste in a_faire.values() for m in liste.premiers}
    assert not tous & {publie.pk, petit.pk, ancien.pk, autre.pk}


def test_acheteur_a_faire_counts_all_and_shows_the_first_five(acheteur):
    d = acheteur.direction
    for _ in range(7):
        MarcheFactory(direction=d, acheteur=d.organisation, date_notification=None)
    brouillons = acheteur_a_faire(user=acheteur, today=TODAY)["brouillons"]
    assert brouillons.nombre == 7
    assert len(brouillons.premiers) == 5


def test_programmation_a_venir_from_this_quarter_of_the_direction(acheteur):
    d = acheteur.direction
    kwargs = {"acheteur": d.organisation, "direction": d}
    passe = Programmation.objects.create(objet="Passé", annee=2026, trimestre=3, **kwargs)
    ce_trimestre = Programmation.objects.create(objet="Ce trimestre", annee=2026, trimestre=4, **kwargs)
    suivant = Programmation.objects.create(objet="L'an prochain", annee=2027, trimestre=1, **kwargs)
    Programmation.objects.create(objet="Autre direction", annee=2027, trimestre=1, acheteur=d.organisation,
                                 direction=DirectionFactory(organisation=d.organisation))
    assert programmation_a_venir(user=acheteur, today=TODAY) == [ce_trimestre, suivant]
    assert passe not in programmation_a_venir(user=acheteur, today=TODAY)


def test_acheteur_home_shows_the_new_contract_button_the_tasks_and_the_programme(client, acheteur):
    d = acheteur.direction
    MarcheFactory(direction=d, acheteur=d.organisation, date_notification=None, objet="Réfection du gymnase zorglub")
    today = timezone.localdate()
    Programmation.objects.create(objet="Nettoyage des collèges blurb", annee=today.year + 1, trimestre=1,
                                 acheteur=d.organisation, direction=d)
    client.force_login(acheteur)
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("marches:create")}"' in html and "Nouveau marché" in html
    assert "Réfection du gymnase zorglub" in html
    assert "Nettoyage des collèges blurb" in html
    assert f'{reverse("marches:create")}?objet=Nettoyage%20des%20coll%C3%A8ges%20blurb' in html


def test_marche_create_prefills_the_object_from_the_query(client, acheteur):
    client.force_login(acheteur)
    html = client.get(reverse("marches:create") + "?objet=Nettoyage+des+coll%C3%A8ges").content.decode()
    assert "Nettoyage des collèges</textarea>" in html


def _bilan(organisation, annee, *, fichier=True, **kwargs):
    bilan = Bilan.objects.create(acheteur=organisation, annee=annee, **kwargs)
    if fichier:
        bilan.fichier.save(f"b{annee}.pdf", ContentFile(b"%PDF-1.4"), save=False)
        bilan.generated_at = timezone.now()
        bilan.chiffres = [{"cle": "heures_realisees", "valeur": f"{annee} h", "libelle": f"heures en {annee}",
                           "definition": ""}]
        bilan.save()
    return bilan


def test_elu_home_shows_the_latest_bilan_stored_figures(client):
    instance = OrganisationFactory(instance=True)
    elu = UserFactory(role=Role.ELU, organisation=instance)
    _bilan(instance, 2024)
    dernier = _bilan(instance, 2025)
    _bilan(instance, 2026, fichier=False)  # asked, not produced
    _bilan(instance, 2030, convention=None, direction=DirectionFactory(organisation=instance))  # a direction's
    client.force_login(elu)
    html = client.get(reverse("core:home")).content.decode()
    assert "Chiffres clés du bilan 2025" in html
    assert "2025 h" in html and "2024 h" not in html
    assert reverse("bilans:bilan_telecharger", args=[dernier.pk]) in html


def test_elu_without_bilan_is_told_who_produces_it_and_when(client):
    instance = OrganisationFactory(instance=True)
    elu = UserFactory(role=Role.ELU, organisation=instance)
    UserFactory(role=Role.DCP, first_name="Claire", last_name="Dupuy", email="claire@landes.fr")
    client.force_login(elu)
    for url in (reverse("core:home"), reverse("bilans:bilans")):
        html = client.get(url).content.decode()
        assert "Aucun bilan n'a encore été produit" not in html
        assert "Direction de la Commande Publique" in html
        assert "Claire Dupuy" in html and "mailto:claire@landes.fr" in html
        assert "début de l’année suivante" in html


def test_elu_home_says_a_bilan_is_being_prepared(client):
    from core.jobs import job_enqueue  # noqa: F401 (the Tache model's states)
    from core.models import Tache

    instance = OrganisationFactory(instance=True)
    elu = UserFactory(role=Role.ELU, organisation=instance)
    tache = Tache.objects.create(type="bilan_annuel", etat=Tache.Etat.EN_COURS)
    bilan = _bilan(instance, 2025, fichier=False, tache=tache)
    client.force_login(elu)
    html = client.get(reverse("core:home")).content.decode()
    assert "Le bilan 2025 est en préparation" in html
    assert reverse("bilans:bilan_detail", args=[bilan.pk]) in html


def test_bilan_list_offers_the_latest_bilan(client):
    instance = OrganisationFactory(instance=True)
    elu = UserFactory(role=Role.ELU, organisation=instance)
    dernier = _bilan(instance, 2025)
    client.force_login(elu)
    html = client.get(reverse("bilans:bilans")).content.decode()
    assert 'data-testid="bilan-dernier"' in html
    assert reverse("bilans:bilan_telecharger", args=[dernier.pk]) in html


def test_elu_without_bilan_sees_the_years_figures_once_the_job_stored_them(client):
    """The home computes nothing: it queues the year's figures (bilans.figures) and shows them once the job stored
    them, dated while newer ones are being computed."""
    from bilans.models import FiguresCalculees
    from tests.bilans.helpers import chiffres_calculer
    from tests.core.factories import DirectionFactory

    instance = OrganisationFactory(instance=True)
    elu = UserFactory(role=Role.ELU, organisation=instance)
    client.force_login(elu)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="chiffres-annee"' not in html  # nothing stored yet: nothing computed for the home
    assert chiffres_calculer() == 1
    annee = timezone.localdate().year
    html = client.get(reverse("core:home")).content.decode()
    assert f"Chiffres clés de {annee} à ce jour" in html
    assert f"insertion réalisées en {annee}" in html
    assert 'data-testid="chiffres-annee-date"' not in html  # current
    DirectionFactory(organisation=instance)  # the data change: the stored figures are served with their date
    html = client.get(reverse("core:home")).content.decode()
    assert f"Chiffres clés de {annee} à ce jour" in html and 'data-testid="chiffres-annee-date"' in html
    assert FiguresCalculees.objects.count() == 1


def test_the_bilan_job_stores_the_key_figures_the_home_shows():
    from bilans.services import bilan_generer

    instance = OrganisationFactory(instance=True)
    bilan = Bilan.objects.create(acheteur=instance, annee=2025)
    bilan_generer(bilan=bilan)
    bilan.refresh_from_db()
    cles = [c["cle"] for c in bilan.chiffres]
    assert "heures_realisees" in cles and "participants" in cles
    assert all(c["valeur"] and c["libelle"] for c in bilan.chiffres)


def _sous_titre(client, user) -> str:
    """The home's subtitle under « Bonjour … », its text only."""
    client.force_login(user)
    html = client.get("/").content.decode()
    trouve = re.search(r"<h1[^>]*>Bonjour[^<]*</h1>\s*<p[^>]*>(.*?)</p>", html, re.S)
    assert trouve, "the home has a subtitle under its title"
    return html_module.unescape(re.sub(r"\s+", " ", trouve.group(1))).strip()


def test_home_subtitle_names_the_direction_once(client):
    """The DCP's direction bears the role's own name: the subtitle does not say it twice; another direction is
    named after the organisation."""
    dcp_direction = DirectionFactory(nom="Direction de la Commande Publique")
    dcp = UserFactory(role=Role.DCP, organisation=dcp_direction.organisation, direction=dcp_direction)
    assert _sous_titre(client, dcp) == f"Direction de la Commande Publique — {dcp_direction.organisation}"
    acheteur_direction = DirectionFactory(nom="Direction des Routes")
    acheteur = UserFactory(role=Role.ACHETEUR, organisation=acheteur_direction.organisation,
                           direction=acheteur_direction)
    assert _sous_titre(client, acheteur) == (
        f"{acheteur.get_role_display()} — {acheteur_direction.organisation} — Direction des Routes")
