"""A picker for a choice among too many records to list (organisations, people, delegates).

The page holds only what is picked: a chip with a hidden input per record, drawn from
its id with one query through the field's own queryset (so a record the field would
refuse is never shown). Typing asks a lookup URL for matches (htmx, static/js/typeahead.js).
Without JavaScript the typed text is submitted as ``<name>_q`` and the matches come back
as radio buttons or checkboxes to pick from on the next submit.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import search

PROJECT_TEMPLATES = TemplatesSetting()
MAX_QUERY = 100
FALLBACK_MATCHES = 10


class Typeahead(forms.Widget):
    template_name = "contacts/lookup/typeahead_widget.html"

    def __init__(self, *, lookup: str, kind: str, multiple: bool = False, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.lookup = lookup  # URL name, reversed when rendering
        self.kind = kind  # "organisation" or "person": what the no-JavaScript fallback searches
        self.multiple = multiple
        self.placeholder = placeholder
        self.query = ""

    @property
    def allow_multiple_selected(self):
        return self.multiple

    def value_from_datadict(self, data, files, name):
        self.query = (data.get(f"{name}_q") or "")[:MAX_QUERY].strip()
        if self.multiple:
            return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else data.get(name)
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def _queryset(self):
        choices = getattr(self, "choices", None)
        return getattr(choices, "queryset", None)

    def selected(self, ids: list[str]):
        queryset = self._queryset()
        ids = [i for i in ids if i.isascii() and i.isdigit() and len(i) <= 18][:50]
        if queryset is None or not ids:
            return []
        found = {str(r.pk): r for r in queryset.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    def matches(self, selected):
        """What the typed text matches, when it came without a pick (no JavaScript)."""
        queryset = self._queryset()
        if not self.query or queryset is None:
            return []
        finder = search.organisations_matching if self.kind == "organisation" else search.people_matching
        picked = [r.pk for r in selected]
        found = finder(self.query, within=queryset.model.objects.filter(pk__in=queryset.values("pk")))
        found = found.exclude(pk__in=picked)
        if self.kind == "person":
            found = found.select_related("organisation")
        return list(found[:FALLBACK_MATCHES])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        selected = self.selected(context["widget"]["value"])
        context["widget"].update(
            {
                "selected": selected,
                "matches": self.matches(selected),
                "query": self.query,
                "multiple": self.multiple,
                "kind": self.kind,
                "placeholder": self.placeholder,
                "lookup_url": reverse(self.lookup),
                # aria-describedby (help text, errors) as crispy sets it; the template writes the rest itself
                "aria": {k: v for k, v in context["widget"]["attrs"].items() if k.startswith("aria-")},
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engines (templates/), not the default forms renderer's own.
        context = self.get_context(name, value, self.build_attrs(self.attrs, attrs))
        return self._render(self.template_name, context, PROJECT_TEMPLATES)


def organisation_picker(*, multiple: bool = False) -> Typeahead:
    return Typeahead(
        lookup="contacts:organisation-lookup",
        kind="organisation",
        multiple=multiple,
        placeholder="Type “Take” or 「武田」…",
    )


def person_picker(*, multiple: bool = False) -> Typeahead:
    return Typeahead(
        lookup="contacts:person-lookup", kind="person", multiple=multiple, placeholder="Type a name, e.g. Sato or 佐藤"
    )


class PlainSelect(forms.Select):
    """A select whose options are written in Python: Django renders one template per option,
    which for a few hundred options (a manager's missions, the time zones) costs more than the
    page's SQL."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, choices, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in choices),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, html) if group else html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((p,) for p in parts)),
        )
