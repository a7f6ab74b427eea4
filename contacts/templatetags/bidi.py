"""``{{ value|isolate }}``: user text mixed with the page's words (a builtin: no load)."""

from django import template

from contacts.bidi import isolate as _isolate

register = template.Library()


@register.filter(is_safe=True)
def isolate(value):
    return _isolate(value)
