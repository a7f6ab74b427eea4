from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def meeting_url(followup):
    """The partnering meeting's own page when the meetings area provides one, else the
    follow-up's page, which shows the meeting in full."""
    if followup.meeting_id is None:
        return ""
    try:
        return reverse("events:meeting-detail", args=[followup.meeting_id])
    except NoReverseMatch:
        return reverse("followups:followup-detail", args=[followup.pk]) + "#meeting"


@register.filter
def money(value, currency):
    """45000000, "JPY" -> ¥45,000,000 (British English conventions; the code shown for rarer currencies)."""
    if value is None:
        return ""
    if not currency:
        return f"{Decimal(value):,}"
    try:
        return format_currency(value, currency, locale="en_GB", currency_digits=True)
    except (ValueError, TypeError):
        return f"{currency} {Decimal(value):,}"


@register.filter
def is_checked(selected, pk):
    return str(pk) in {str(s) for s in (selected or ())}
