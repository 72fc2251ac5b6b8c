"""The preferences page: each user turns each kind of e-mail its role receives on or off, and only those."""

import datetime

from django.urls import reverse

from relances.enums import TypeNotification
from relances.models import PreferenceNotification
from relances.selectors import relances_du_jour
from tests.relances.test_relances import monde  # noqa: F401 - the schedule's world


def test_a_contact_turns_its_reminder_off_on_the_page_and_gets_none(monde, client):  # noqa: F811
    client.force_login(monde.contact.user)
    page = client.get(reverse("relances:preferences")).content.decode()
    assert 'name="declaration"' in page and 'name="synthese"' not in page  # its role's kinds only
    response = client.post(reverse("relances:preferences"), {})  # its only box unticked: nothing posted
    assert response.status_code == 302
    assert list(PreferenceNotification.objects.values_list("user", "type", "active")) == [
        (monde.contact.user.pk, TypeNotification.DECLARATION, False)]
    assert "contact@batir.invalid" not in [m.user.email for m in relances_du_jour(datetime.date(2026, 11, 5))]
    client.post(reverse("relances:preferences"), {"declaration": "on"})
    assert PreferenceNotification.objects.get(user=monde.contact.user).active is True


def test_kinds_of_another_role_or_junk_values_store_nothing_else(monde, client):  # noqa: F811
    client.force_login(monde.contact.user)
    response = client.post(reverse("relances:preferences"), {
        "declaration": "n'importe quoi\x00", "decp": "", "synthese": "", "bilan": "on", "inconnu": "1"})
    assert response.status_code == 302
    assert list(PreferenceNotification.objects.values_list("type", flat=True)) == [TypeNotification.DECLARATION]
