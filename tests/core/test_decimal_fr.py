"""core.utils.decimal_fr: the one parser of French decimals (imports of the register, the clause columns and the
facilitators' hours; the clause advisor's query parameters)."""

from decimal import Decimal, InvalidOperation

import pytest

from core.utils import decimal_fr


@pytest.mark.parametrize(("texte", "attendu"), [
    ("1234,56", "1234.56"), ("1234.56", "1234.56"), ("1 234,56", "1234.56"), ("1\u202f234,56", "1234.56"),
    ("1\u00a0234,56", "1234.56"), (" 35 ", "35"), ("-2,5", "-2.5"), ("0", "0"), (12, "12"),
])
def test_french_decimals(texte, attendu):
    assert decimal_fr(texte) == Decimal(attendu)


@pytest.mark.parametrize("texte", ["", "trente", "1,234,56", "1.234,56", "12 h", "NaN", "Infinity", "-inf", "1e"])
def test_anything_else_is_refused(texte):
    with pytest.raises(InvalidOperation):
        decimal_fr(texte)
