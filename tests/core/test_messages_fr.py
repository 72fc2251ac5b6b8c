"""Error messages in plain French: "already exists" in the words of the domain, the hours limit with its reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.enums import Role
from core.models import Direction
from facilitateurs.forms import LigneHeuresForm
from tests.core.factories import DirectionFactory, OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_duplicate_participant_code_says_so_plainly(client):
    ParticipantFactory(code="P-0001")
    client.force_login(UserFactory(role=Role.FACILITATEUR, organisation=OrganisationFactory(instance=True)))
    response = client.post(reverse("facilitateurs:participant_create"), {"code": "P-0001", "sexe": "F"})
    html = response.content.decode()
    assert "Ce code participant existe déjà." in html
    assert "Un objet" not in html and "avec ce champ" not in html


def test_unique_together_message_and_generic_fallback():
    direction = DirectionFactory(nom="Routes")
    double = Direction(organisation=direction.organisation, nom="Routes", sigle="R2")
    with pytest.raises(ValidationError) as erreur:
        double.validate_constraints()
    assert erreur.value.messages == ["Cette organisation a déjà une direction de ce nom."]
    # A check not listed in core.unicite gets a neutral French sentence naming the field.
    user = UserFactory()
    message = user.unique_error_message(type(user), ("email",)).messages[0]
    assert message == "Cette valeur de « adresse électronique » existe déjà : choisissez-en une autre."


def test_hours_above_the_monthly_maximum_say_why(settings):
    settings.SPASER = {**settings.SPASER, "HEURES_MAX_PAR_MOIS": 208}
    form = LigneHeuresForm({"participant_code": "", "entreprise": "", "modalite": "EMBAUCHE_DIRECTE",
                            "heures": "209"}, entreprises=[(1, "A")])
    assert not form.is_valid()
    erreur = form.errors["heures"][0]
    assert "au plus 208\u00a0h par personne et par mois" in erreur
    assert "48 h par semaine" in erreur and "L3121-20" in erreur
    form = LigneHeuresForm({"participant_code": "", "entreprise": "1", "modalite": "SOUS_TRAITANCE_SIAE",
                            "heures": "208"}, entreprises=[(1, "A")])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["heures"] == Decimal("208")


def test_counts_agree_in_french():
    from core.templatetags.formats import compte, pluriel

    assert [compte(n, "marché") for n in (0, 1, 2)] == ["0 marché", "1 marché", "2 marchés"]
    assert compte(12000, "ligne créée", "lignes créées") == "12\u202f000 lignes créées"
    assert (pluriel(1), pluriel(2), pluriel(1, "al,aux"), pluriel(3, "al,aux"), pluriel("x")) == ("", "s", "al", "aux", "")


def test_no_template_writes_a_plural_in_brackets():
    import pathlib
    import re

    racine = pathlib.Path(__file__).resolve().parents[2] / "templates"
    fautes = [f"{p.relative_to(racine)}: {m.group(0)}" for p in racine.rglob("*.html")
              for m in re.finditer(r"\w+\(s\)", p.read_text(encoding="utf-8"))]
    assert fautes == []
