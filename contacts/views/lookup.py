"""Typeahead and inline creation of counterparts, for the meeting and enquiry forms.

Any signed-in user may search and create organisations and people: the
directory is shared by every mission (what a user may see of a mission's
meetings is decided in events/access.py). Responses are htmx partials; without
htmx the create pages render as ordinary pages.
"""

import json
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .. import search, services
from ..duplicates import organisation_duplicates, person_duplicates
from ..forms import OrganisationInlineForm, PersonInlineForm
from ..models import Organisation, Person

# The form field a picked record goes into; anything else is ignored.
FIELD = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")  # a form field's name, with its prefix ("row2-organisation")
MAX_QUERY = 100


def _field(request) -> str:
    field = request.GET.get("field") or request.POST.get("field") or ""
    return field if FIELD.match(field) else ""


def _query(request) -> str:
    # The meeting form's boxes are named "q"; a form widget's box is "<field>_q" (contacts/widgets.py).
    query = request.GET.get("q")
    if query is None:
        query = request.GET.get(f"{_field(request)}_q") or ""
    return query[:MAX_QUERY]


def _offers_create(request) -> bool:
    # Pickers in filters and rosters choose among existing records only.
    return request.GET.get("create") != "0"


@login_required
def organisation_lookup(request):
    query = _query(request)
    return render(
        request,
        "contacts/lookup/organisation_results.html",
        {
            "results": search.search_organisations(query),
            "q": query.strip(),
            "field": _field(request),
            "create": _offers_create(request),
        },
    )


@login_required
def person_lookup(request):
    query = _query(request)
    return render(
        request,
        "contacts/lookup/person_results.html",
        {
            "results": search.search_people(query),
            "q": query.strip(),
            "field": _field(request),
            "create": _offers_create(request),
        },
    )


def _picked(request, *, field: str, record, label: str):
    """Tell the page (HX-Trigger) to add the new record to the field, and say so."""
    template = "contacts/lookup/created.html" if request.htmx else "contacts/lookup/create_page.html"
    response = render(request, template, {"record": record, "label": label, "title": "Added"})
    response["HX-Trigger"] = json.dumps({"crm:picked": {"field": field, "id": record.pk, "label": label}})
    return response


def _template(request, partial: str) -> str:
    return partial if request.htmx else "contacts/lookup/create_page.html"


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    field = _field(request) or "counterpart_organisations"
    duplicates = []
    if request.method == "POST":
        existing = _existing_choice(request)
        if existing is not None:  # "Use this one" on the duplicate warning
            return _picked(request, field=field, record=existing, label=str(existing))
        form = OrganisationInlineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "create_anyway" not in request.POST:
                # The directory's add page does the same: the record we may already have comes first.
                native = data["name_native"] or (data["name"] if data["name"] != data["name_native"] else "")
                duplicates = organisation_duplicates(name=data["name"], name_native=native)
            if not duplicates:
                try:
                    organisation = services.organisation_create(acting_user=request.user, **data)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return _picked(request, field=field, record=organisation, label=str(organisation))
    else:
        form = OrganisationInlineForm(initial=OrganisationInlineForm.initial_from_query(_query(request)))
    return render(
        request,
        _template(request, "contacts/lookup/organisation_form.html"),
        {
            "form": form,
            "field": field,
            "duplicates": duplicates,
            "partial": "contacts/lookup/organisation_form.html",
            "title": "New organisation",
        },
    )


def _existing_choice(request, model=Organisation):
    """The record picked with "Use this one", if it exists and was not merged away."""
    value = request.POST.get("use", "")
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return model.objects.filter(pk=value, merged_into__isnull=True).first()


def _picked_organisations(request):
    # From the meeting form (GET, hx-include) or from the inline form's own hidden inputs (POST).
    ids = [*request.GET.getlist("counterpart_organisations"), *request.POST.getlist("picked_organisations")]
    ids = [i for i in ids if i.isascii() and i.isdigit() and len(i) <= 18][:20]
    return list(Organisation.objects.filter(pk__in=ids, merged_into__isnull=True))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    field = _field(request) or "counterpart_people"
    organisations = _picked_organisations(request)
    duplicates = []
    if request.method == "POST":
        existing = _existing_choice(request, Person)
        if existing is not None:  # "Use this one" on the duplicate warning
            return _picked(request, field=field, record=existing, label=str(existing))
        form = PersonInlineForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            if "create_anyway" not in request.POST:
                duplicates = person_duplicates(
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    name_native=data["name_native"],
                    email=data["email"],
                )
            if not duplicates:
                try:
                    person = services.person_create(acting_user=request.user, **data)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return _picked(request, field=field, record=person, label=str(person))
    else:
        form = PersonInlineForm(
            initial=PersonInlineForm.initial_from_query(_query(request)), organisations=organisations
        )
        if len(organisations) == 1:
            form.initial["organisation"] = organisations[0].pk
    return render(
        request,
        _template(request, "contacts/lookup/person_form.html"),
        {
            "form": form,
            "field": field,
            "organisations": organisations,
            "duplicates": duplicates,
            "partial": "contacts/lookup/person_form.html",
            "title": "New person",
        },
    )
