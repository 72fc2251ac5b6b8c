import datetime
import gc
import random
from decimal import Decimal

import pytest

from core.templatetags.formats import format_date, format_euros, format_heures, format_nombre, format_pourcent
from core.utils import departement_from_code_postal, luhn_ok, sans_ramasse_miettes, siret_error, siret_ok


@pytest.mark.parametrize("siret", ["73282932000074", "35600000000048", "22400001800016"])
def test_valid_sirets(siret):
    assert siret_ok(siret), siret


@pytest.mark.parametrize("siret", ["73282932000075", "1234", "7328293200007A", ""])
def test_invalid_sirets(siret):
    assert not siret_ok(siret)
    assert siret_error(siret)


def test_la_poste_rule_accepts_establishments_that_fail_luhn():
    # La Poste (SIREN 356000000): the digit sum must be divisible by 5, the Luhn key need not hold.
    siret = "35600000049837"
    assert sum(map(int, siret)) % 5 == 0
    assert siret_ok(siret)


def test_luhn_key_equals_the_textbook_rule_on_every_length():
    def textbook(digits):  # from the right, every second digit doubled, 9 taken off a two-digit result
        total = 0
        for position, char in enumerate(reversed(digits)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        return total % 10 == 0

    rng = random.Random(3)
    numbers = ["".join(rng.choice("0123456789") for _ in range(rng.choice([9, 10, 13, 14, 15])))
               for _ in range(3000)]
    assert sum(map(luhn_ok, numbers)) > 200  # both answers met often enough to compare
    assert [luhn_ok(n) for n in numbers] == [textbook(n) for n in numbers]


def test_the_cycle_collector_is_paused_inside_and_restored_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), sans_ramasse_miettes():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with sans_ramasse_miettes():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_siret_error_messages_are_french():
    assert "14 chiffres" in siret_error("123")
    assert "clé" in siret_error("73282932000075")


@pytest.mark.parametrize("cp,dep", [("40000", "40"), ("20000", "2A"), ("20200", "2B"), ("97400", "974"), ("", ""),
                                    ("4000", "")])
def test_departement(cp, dep):
    assert departement_from_code_postal(cp) == dep


def test_french_formats():
    nbsp = "\u202f"
    assert format_nombre(17440) == f"17{nbsp}440"
    assert format_euros(Decimal("1234567.891")) == f"1{nbsp}234{nbsp}567,89\u00a0€"
    assert format_heures(Decimal("17440.4")) == f"17{nbsp}440\u00a0h"
    assert format_pourcent(0.223) == "22,3\u00a0%"
    assert format_date(datetime.date(2026, 11, 26)) == "26/11/2026"
    assert format_euros(None) == "—"
