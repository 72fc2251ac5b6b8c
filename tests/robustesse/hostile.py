"""Shared pieces of the hostile-input tests: hypothesis strategies for nasty values and a snapshot of every
business table (history tables included) to check that a refused input wrote nothing."""

import contextlib

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

APPS = ("core", "marches", "clauses", "facilitateurs", "spaser", "bilans")

# Fast enough for the normal suite (each example is one import or one request).
HOSTILE = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def snapshot() -> dict:
    """Row count of every model of the project's apps, simple-history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS and not model._meta.proxy
    }


def changed(before: dict, after: dict) -> dict:
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}


@contextlib.contextmanager
def rolled_back():
    """Run one hypothesis example in a savepoint that is always rolled back (examples stay independent)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


FORMULAS = ["=1+1", '=HYPERLINK("http://x")', "+33 6", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1"]
WEIRD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\u202e",
    "\ufeff",
    "é" * 300,
    "x" * 5000,
    "𝕏🙂",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "-1",
    "-0",
    "0",
    "1e9999999",
    "99999999999999999999999",
    "sNaN",
    "None",
    "null",
    "true",
    "²²",
    "١٩٨٥",
    "0x1F",
    "1_000",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "31/02/2026",
    "2026-1-1",
    "2026-01-01T25:00:00",
    "<script>alert(1)</script>",
    "'; DROP TABLE marches_marche; --",
    "../../etc/passwd",
    "|||",
    ";;;",
    '"',
    "\r\n",
    "\n",
] + FORMULAS

weird_text = st.one_of(st.sampled_from(WEIRD_TEXT), st.text(max_size=40))
weird_number_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.sampled_from(
        ["1 000,50", "1\u202f000", "12,5", "1.2.3", "1,2,3", "€", "12 €", "--1", "+1", "1e5", "1E-5"]
    ),
)
weird_cell = st.one_of(weird_text, weird_number_text)
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40), st.floats(), weird_text
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(weird_text, st.sampled_from(["id", "titulaire", "marche"])), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
