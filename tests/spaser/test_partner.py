"""A partner user and a joint scheme: it reads the scheme that covers its organisation, and only its own
indicators; another scheme is not found; the forecast and every write stay forbidden."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.enums import Role
from tests.core.factories import OrganisationFactory, UserFactory
from tests.spaser.factories import CibleFactory, IndicateurFactory, SpaserFactory, ValeurManuelleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint():
    instance = OrganisationFactory(instance=True)
    partenaire = OrganisationFactory(partenaire=True, nom="Ville partenaire")
    spaser = SpaserFactory(en_vigueur=True, acheteurs=[instance, partenaire], titre="Schéma commun")
    indicateur = IndicateurFactory(objectif__axe__spaser=spaser, manuel=True, libelle="Entreprises aux Matinales")
    CibleFactory(indicateur=indicateur, annee=2025, valeur=Decimal("10"))
    ValeurManuelleFactory(indicateur=indicateur, acheteur=instance, annee=2025, valeur=Decimal("777"),
                          source="Source du Département")
    ValeurManuelleFactory(indicateur=indicateur, acheteur=partenaire, annee=2025, valeur=Decimal("12"),
                          source="Source de la ville")
    autre = SpaserFactory(en_vigueur=True, acheteurs=[instance], titre="Schéma du seul Département")
    user = UserFactory(role=Role.PARTENAIRE, organisation=partenaire)
    return {"instance": instance, "partenaire": partenaire, "spaser": spaser, "autre": autre, "user": user}


def test_partner_reads_the_joint_scheme_with_its_own_indicators_only(client, joint):
    client.force_login(joint["user"])
    spaser, instance = joint["spaser"], joint["instance"]
    index = client.get(reverse("spaser:index")).content.decode()
    assert "Schéma commun" in index and "Schéma du seul Département" not in index
    assert client.get(reverse("spaser:detail", args=[spaser.pk])).status_code == 200
    html = client.get(reverse("spaser:evaluation", args=[spaser.pk]),
                      {"annee": "2025", "acheteur": instance.pk}).content.decode()
    assert "Source de la ville" in html and "Source du Département" not in html and "777" not in html
    xlsx = client.get(reverse("spaser:evaluation_xlsx", args=[spaser.pk]), {"annee": "2025", "acheteur": instance.pk})
    assert joint["partenaire"].siret in xlsx["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][8] == 12


def test_partner_gets_404_on_another_scheme_and_403_on_writes(client, joint):
    client.force_login(joint["user"])
    autre = joint["autre"]
    for name in ("spaser:detail", "spaser:evaluation", "spaser:evaluation_xlsx"):
        assert client.get(reverse(name, args=[autre.pk])).status_code == 404, name
    assert client.get(reverse("spaser:update", args=[joint["spaser"].pk])).status_code == 403
    assert client.get(reverse("spaser:programmation_list")).status_code == 403
