import zoneinfo

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def differs_from_viewer(value, tz_name):
    """True when the viewer's own clock would read differently from the event's."""
    if value is None:
        return False
    try:
        there = value.astimezone(zoneinfo.ZoneInfo(str(tz_name)))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    here = timezone.localtime(value)
    return there.utcoffset() != here.utcoffset()
