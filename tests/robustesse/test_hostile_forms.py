"""Hostile POSTs on the main forms through the test client, as a role allowed to use them: the contract form
(create and update), the participant form, the monthly hours grid, the contract clause form and the SPASER
forecast form. Starting from what the page shows, some fields get random or nasty values. The answer is never
a 500 (the test client re-raises any exception); an invalid POST re-renders the form (200) with its errors,
shows back what the user typed, and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils.html import escape
from hypothesis import event, given, settings
from hypothesis import strategies as st

from core.enums import Role
from tests.clauses.factories import ClauseMarcheFactory, FamilleAchatFactory
from tests.core.factories import OrganisationFactory, UserFactory
from tests.facilitateurs.factories import ParticipantFactory
from tests.marches.factories import AttributionFactory, EntrepriseFactory, MarcheFactory
from tests.robustesse.hostile import HOSTILE, changed, rolled_back, snapshot, weird_cell
from tests.spaser.factories import ProgrammationFactory

pytestmark = pytest.mark.django_db

HOSTILE_FORMS = settings(HOSTILE, max_examples=15)  # each example is one or two GET + POST round trips
TEXT_WIDGETS = (
    forms.TextInput,
    forms.Textarea,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.DateInput,
)


def initial_post(form) -> dict:
    """The POST a browser would send for the form as displayed (unchanged)."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    return data


def field_values(field):
    """Hostile values for one field, with some valid ones so that other fields' checks run too."""
    # A browser sends UTF-8: lone surrogates cannot reach a form (Django decodes bad bytes as U+FFFD).
    text = weird_cell.filter(lambda v: not any("\ud800" <= c <= "\udfff" for c in v))
    options = [text, st.sampled_from(["", "0", "-1", "999999999999999999999", "2026-02-30", "on"])]
    choices = [str(value) for value, _ in getattr(field, "choices", []) if value not in ("", None)]
    if choices:
        options.append(st.sampled_from(choices))
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            options.append(st.lists(st.one_of(st.sampled_from(choices), text), max_size=3))
    return st.one_of(*options)


def check_post(client, url, data, base=None, extra=None, form_key="form"):
    """POST what the page shows (or `base`) with some fields replaced by hostile values drawn from `data`;
    check the properties."""
    form = client.get(url).context[form_key]
    if base is None:
        base = initial_post(form) | (extra or {})
    fields = form.forms[0].fields if form_key == "formset" else form.fields
    prefix = "form-0-" if form_key == "formset" else ""
    names = data.draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=4, unique=True))
    mutation = {prefix + name: data.draw(field_values(fields[name]), label=name) for name in names}
    if form_key == "formset":
        mutation |= data.draw(
            st.dictionaries(
                st.sampled_from(["form-TOTAL_FORMS", "form-INITIAL_FORMS"]),
                st.sampled_from(["", "abc", "-1", "0", "2", "1000000", "1e3"]),
                max_size=1,
            ),
            label="management",
        )
    post = base | mutation
    before = snapshot()
    response = client.post(url, post)
    assert response.status_code in (200, 302), response.status_code
    event(f"HTTP {response.status_code}")
    if response.status_code == 302:
        return
    bound = response.context[form_key]
    assert not bound.is_valid()
    assert changed(before, snapshot()) == {}
    html = response.content.decode()
    if form_key == "formset" and bound.non_form_errors():  # a broken management form: no row is shown back
        return
    for key, value in mutation.items():
        field = fields.get(key.removeprefix(prefix))
        if (
            field is None
            or field.disabled
            or not isinstance(field.widget, TEXT_WIDGETS)
            or field.widget.is_hidden
        ):
            continue
        if (
            isinstance(value, str)
            and value
            and value == value.strip()
            and value.isprintable()
            and len(value) < 1000
        ):
            assert escape(value) in html, (key, value)


@pytest.fixture
def world(client):
    instance = OrganisationFactory(instance=True)
    famille = FamilleAchatFactory(nom="Bâtiment (hostile)")
    marche = MarcheFactory(acheteur=instance, famille=famille, montant_ht=Decimal("1000000"))
    entreprise = EntrepriseFactory()
    AttributionFactory(marche=marche, entreprise=entreprise)
    return {"instance": instance, "marche": marche, "entreprise": entreprise, "famille": famille}


def login(client, role):
    """Once per test function (hypothesis runs the body once per example with the same client)."""
    if client.session.get("_hostile_role") != role:
        client.force_login(UserFactory(role=role))
        session = client.session
        session["_hostile_role"] = role
        session.save()


@HOSTILE_FORMS
@given(data=st.data())
def test_contract_form(client, world, data):
    login(client, Role.DCP)
    with rolled_back():
        extra = {"acheteur": str(world["instance"].pk), "identifiant": "H-1", "objet": "Travaux"}
        check_post(client, reverse("marches:create"), data, extra=extra)
    with rolled_back():
        check_post(client, reverse("marches:update", args=[world["marche"].pk]), data)


@HOSTILE_FORMS
@given(data=st.data())
def test_participant_form(client, world, data):
    login(client, Role.FACILITATEUR)
    with rolled_back():
        check_post(client, reverse("facilitateurs:participant_create"), data)
    with rolled_back():
        participant = ParticipantFactory(code="FORM1")
        check_post(client, reverse("facilitateurs:participant_update", args=[participant.pk]), data)


@HOSTILE_FORMS
@given(data=st.data())
def test_hours_grid(client, world, data):
    login(client, Role.FACILITATEUR)
    with rolled_back():
        participant = ParticipantFactory(code="GRILLE1")
        url = reverse("facilitateurs:grille", args=[world["marche"].pk]) + "?mois=2026-01"
        base = {
            "mois": "2026-01",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-participant_code": participant.code,
            "form-0-entreprise": str(world["entreprise"].pk),
            "form-0-modalite": "EMBAUCHE_DIRECTE",
            "form-0-type_contrat": "CDD",
            "form-0-heures": "35,5",
            "form-0-montant_ht": "",
        }
        check_post(client, url, data, base, form_key="formset")


@HOSTILE_FORMS
@given(data=st.data())
def test_clause_form(client, world, data):
    login(client, Role.DCP)
    with rolled_back():
        clause = ClauseMarcheFactory(marche=world["marche"])
        check_post(client, reverse("clauses:clause_modifier", args=[clause.pk]), data)


@HOSTILE_FORMS
@given(data=st.data())
def test_forecast_form(client, world, data):
    login(client, Role.DCP)
    with rolled_back():
        check_post(client, reverse("spaser:programmation_create"), data)
    with rolled_back():
        programmation = ProgrammationFactory(acheteur=world["instance"])
        check_post(client, reverse("spaser:programmation_update", args=[programmation.pk]), data)
