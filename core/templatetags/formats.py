"""French formats for numbers, amounts, hours and dates: `1 234 567,89 €`, `17 440 h`, `26/11/2026`.
The same functions serve templates, exports and PDFs."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def format_nombre(value, decimales: int = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:,.{decimales}f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_euros(value, decimales: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_nombre(value, decimales)}\u00a0€"


def format_heures(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_nombre(value, 0)}\u00a0h"


def format_pourcent(value, decimales: int = 1) -> str:
    """0.223 -> '22,3 %'."""
    if value is None or value == "":
        return "—"
    return f"{format_nombre(Decimal(str(value)) * 100, decimales)}\u00a0%"


def format_date(value) -> str:
    if not value:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def pluriel(nombre, formes: str = "s") -> str:
    """French agreement of a word after a count: 0 and 1 take the singular, 2 and more the plural.
    `formes` is the plural suffix ("s"), or "singular,plural" endings ("al,aux"). In a template:
    `{{ n|nombre }} marché{{ n|pluriel }}`, `{{ n }} ligne{{ n|pluriel }} créée{{ n|pluriel }}`."""
    singulier, _, plur = formes.rpartition(",") if "," in formes else ("", "", formes)
    try:
        return plur if abs(Decimal(str(nombre))) >= 2 else singulier
    except (InvalidOperation, ValueError, TypeError):
        return singulier


def compte(nombre, singulier: str, plur: str | None = None) -> str:
    """'2 marchés', '1 marché', '0 marché' (French: 0 takes the singular); `plur` for an irregular plural or
    several words ("ligne créée", "lignes créées"); without it, an "s" is added."""
    mot = singulier if not pluriel(nombre) else (plur or singulier + "s")
    return f"{format_nombre(nombre)} {mot}"


register.filter("pluriel", pluriel)
register.filter("nombre", format_nombre)
register.filter("euros", format_euros)
register.filter("heures", format_heures)
register.filter("pourcent", format_pourcent)
register.filter("date_fr", format_date)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
