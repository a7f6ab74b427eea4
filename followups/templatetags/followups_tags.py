from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency
from django import template
from django.urls import NoReverseMatch, get_script_prefix, reverse

register = template.Library()

# The per-row links of the follow-up lists. reverse() costs tens of microseconds (more when it
# fails), and "My follow-ups" has a dozen links on each of hundreds of rows: each pattern is
# reversed once per process (and script prefix) and filled in with the row's id.
ROW_URLS = {
    "detail": "followups:followup-detail",
    "complete": "followups:followup-complete",
    "reopen": "followups:followup-reopen",
    "snooze": "followups:followup-snooze",
    "notes": "followups:followup-add-note",
    "outcome": "followups:followup-outcome",
    "meeting": "meetings:detail",
}
_SENTINEL = 2147483647


@lru_cache(maxsize=64)
def _pattern(name: str, prefix: str) -> str | None:
    try:
        url = reverse(name, args=[_SENTINEL])
    except NoReverseMatch:
        return None
    return url.replace("%", "%%").replace(str(_SENTINEL), "%d")


@register.simple_tag
def row_url(kind: str, pk) -> str:
    """{% row_url "complete" followup.pk %}: the same URL as {% url 'followups:followup-complete' pk %}."""
    return _pattern(ROW_URLS[kind], get_script_prefix()) % int(pk)


@register.filter
def failed_kind(failed, pk) -> str:
    """Which form of this row was refused ("complete", "snooze"), if any: it is shown open with the errors."""
    if failed and failed.get("pk") == pk:
        return failed.get("kind", "")
    return ""


@register.simple_tag
def meeting_url(followup):
    """The partnering meeting's own page when the meetings area provides one, else the
    follow-up's page, which shows the meeting in full."""
    if followup.meeting_id is None:
        return ""
    pattern = _pattern(ROW_URLS["meeting"], get_script_prefix())
    if pattern is None:
        return row_url("detail", followup.pk) + "#meeting"
    return pattern % followup.meeting_id


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
