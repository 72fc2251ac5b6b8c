"""Two facilitators editing the same participant: the second to save is told; nothing is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from core.enums import Role
from facilitateurs.models import Participant
from tests.core.factories import UserFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.test_concurrence import form_data

pytestmark = pytest.mark.django_db


def _client(first_name, last_name):
    client = Client()
    client.force_login(UserFactory(role=Role.FACILITATEUR, first_name=first_name, last_name=last_name))
    return client


def test_second_facilitator_to_save_is_told_and_keeps_their_input():
    participant = ParticipantFactory(code="P-001", commune="Dax")
    url = reverse("facilitateurs:participant_update", args=[participant.pk])
    claire, david = _client("Claire", "Petit"), _client("David", "Roux")
    vue_claire = form_data(claire.get(url).context["form"])
    vue_david = form_data(david.get(url).context["form"])
    assert vue_claire["version"]

    assert claire.post(url, {**vue_claire, "commune": "Mont-de-Marsan"}).status_code == 302
    response = david.post(url, {**vue_david, "code_postal": "40100"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce participant a été modifié par Claire Petit le " in page
    assert "Champs modifiés entre-temps : commune" in page
    assert response.context["form"]["code_postal"].value() == "40100"
    participant.refresh_from_db()
    assert (participant.commune, participant.code_postal) == ("Mont-de-Marsan", vue_david["code_postal"])

    version = response.context["form"]["version"].value()
    assert david.post(url, {**vue_david, "code_postal": "40100", "version": version}).status_code == 302
    assert Participant.objects.get(pk=participant.pk).code_postal == "40100"
