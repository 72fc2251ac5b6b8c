"""A placement's employer is picked among the contract's companies (no SIRET typed from memory); an employer
not on the contract is found by SIRET or by name."""

import pytest
from django.urls import reverse

from core.enums import Role
from facilitateurs.forms import MiseEnEmploiForm
from facilitateurs.models import MiseEnEmploi
from marches.enums import RoleEntreprise
from tests.clauses.factories import ClauseMarcheFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    instance = OrganisationFactory(instance=True)
    marche = MarcheFactory(acheteur=instance, identifiant="2026-BAT")
    ClauseMarcheFactory(marche=marche)
    titulaire = EntrepriseFactory(nom="Bâtisseurs landais")
    sous_traitant = EntrepriseFactory(nom="Peintures du Marsan")
    AttributionFactory(marche=marche, entreprise=titulaire, role=RoleEntreprise.TITULAIRE)
    AttributionFactory(marche=marche, entreprise=sous_traitant, role=RoleEntreprise.SOUS_TRAITANT)
    autre_marche = MarcheFactory(acheteur=instance, identifiant="2026-NET")
    ClauseMarcheFactory(marche=autre_marche)
    AttributionFactory(marche=autre_marche, entreprise=EntrepriseFactory(nom="Nettoyage Océan"))
    return {"marche": marche, "titulaire": titulaire, "sous_traitant": sous_traitant,
            "participant": ParticipantFactory(),
            "user": UserFactory(role=Role.FACILITATEUR, organisation=instance)}


def _data(ctx, **kwargs):
    return {"marche": ctx["marche"].pk, "modalite": "EMBAUCHE_DIRECTE", "type_contrat": "CDDI",
            "date_debut": "2026-01-05", **kwargs}


def test_the_employer_list_groups_each_contracts_companies(ctx):
    html = str(MiseEnEmploiForm()["entreprise"])
    groupe = html.split(f'data-marche="{ctx["marche"].pk}">')[1].split("</optgroup>")[0]
    assert f'value="{ctx["titulaire"].siret}">Bâtisseurs landais (Titulaire)' in groupe
    assert f'value="{ctx["sous_traitant"].siret}">Peintures du Marsan (Sous-traitant déclaré)' in groupe
    assert "Nettoyage Océan" not in groupe and "Nettoyage Océan" in html
    assert groupe.index("Bâtisseurs") < groupe.index("Peintures")  # the awardee first


def test_placement_with_an_employer_picked_from_the_contract(client, ctx):
    client.force_login(ctx["user"])
    url = reverse("facilitateurs:mise_en_emploi_create", args=[ctx["participant"].pk])
    assert client.post(url, _data(ctx, entreprise=ctx["sous_traitant"].siret)).status_code == 302
    assert MiseEnEmploi.objects.get().entreprise == ctx["sous_traitant"]


def test_an_employer_off_the_contract_is_found_by_name_or_siret(client, ctx):
    etti = EntrepriseFactory(nom="Intérim Insertion Landes")
    client.force_login(ctx["user"])
    url = reverse("facilitateurs:mise_en_emploi_create", args=[ctx["participant"].pk])
    assert client.post(url, _data(ctx, entreprise_autre="intérim insertion")).status_code == 302
    assert MiseEnEmploi.objects.get().entreprise == etti
    MiseEnEmploi.objects.all().delete()
    assert client.post(url, _data(ctx, entreprise_autre=" ".join(etti.siret))).status_code == 302
    assert MiseEnEmploi.objects.get().entreprise == etti


def test_missing_or_ambiguous_employer_is_explained(client, ctx):
    client.force_login(ctx["user"])
    url = reverse("facilitateurs:mise_en_emploi_create", args=[ctx["participant"].pk])
    html = client.post(url, _data(ctx)).content.decode()
    assert "Choisissez l&#x27;employeur parmi les entreprises du marché" in html
    html = client.post(url, _data(ctx, entreprise_autre="s")).content.decode()  # several names contain "s"
    assert "Plusieurs entreprises correspondent" in html and ctx["titulaire"].siret in html
    html = client.post(url, _data(ctx, entreprise_autre="Zorglub")).content.decode()
    assert "Aucune entreprise connue dont le nom contient « Zorglub »" in html
    assert not MiseEnEmploi.objects.exists()
