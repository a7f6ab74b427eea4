from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration_words(value: timedelta) -> str:
    """A cool-off as people say it: '15 minutes', '1 hour', '30 seconds'."""
    if not isinstance(value, timedelta):
        return ""
    seconds = int(value.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    if seconds >= 60:
        count = round(seconds / 60)
        return f"about {count} minute{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
