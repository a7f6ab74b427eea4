from datetime import date, datetime
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def cell_class(value) -> str:
    if isinstance(value, date):
        return "nowrap"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return "num nowrap"
    return ""


@register.filter
def cell(value) -> str:
    """A value of an export table as printed in the PDF."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}".removesuffix(".00")
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
