"""The demo's companies' side: the contact `entreprise` / `demo`, its declarations in every state, and the
reminders' dry run on the demo data (seeded once for the module, rolled back after it)."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.enums import Role
from declarations import selectors
from declarations.models import ContactEntreprise, Declaration
from facilitateurs.models import HeuresMensuelles
from facilitateurs.services import add_months

pytestmark = [pytest.mark.django_db, pytest.mark.demo_complete]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_demo_contact_has_running_clause_contracts_and_declarations_in_every_state(demo):
    contact = ContactEntreprise.objects.select_related("user", "entreprise").get(user__username="entreprise")
    assert contact.user.role == Role.ENTREPRISE and contact.user.check_password("demo")
    today = timezone.localdate()
    tableau = selectors.tableau_entreprise(contact.entreprise, today=today)
    assert any(ligne.requises > 0 and (ligne.marche.date_fin is None or ligne.marche.date_fin >= today)
               for ligne in tableau)
    declarations = Declaration.objects.filter(entreprise=contact.entreprise)
    assert Counter(declarations.values_list("statut", flat=True)) == {"validee": 2, "en_attente": 1, "renvoyee": 1}
    renvoyee = declarations.get(statut="renvoyee")
    assert renvoyee.motif_renvoi and renvoyee.justificatifs.exists()
    for validee in declarations.filter(statut="validee"):
        assert HeuresMensuelles.objects.filter(marche=validee.marche, entreprise=contact.entreprise,
                                               mois=validee.mois).exists()
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert Declaration.objects.filter(entreprise=contact.entreprise).count() == 4


def test_envoyer_relances_dry_run_on_the_demo_prints_its_counts(demo):
    jour = add_months(timezone.localdate().replace(day=1), 1).replace(day=5)
    out = io.StringIO()
    call_command("envoyer_relances", "--dry-run", "--date", jour.isoformat(), stdout=out)
    texte = out.getvalue()
    assert f"Relances du {jour:%d/%m/%Y} (simulation)" in texte
    # The demo contact has not declared last month: its reminder is counted.
    assert "Déclaration mensuelle à faire : 0" not in texte
    assert "Synthèse hebdomadaire du facilitateur : 1" in texte
