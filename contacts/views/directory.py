"""The contacts directory: organisations and people, their lists, pages and forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .. import selectors, services
from ..access import can_edit_directory, get_organisation_for_user, get_person_for_user
from ..duplicates import organisation_duplicates, person_duplicates
from ..filters import OrganisationFilter, PersonFilter
from ..forms import OrganisationForm, PersonForm
from ..paging import CappedPaginator

PAGE_SIZE = 25


def _listing(request, filterset, rows):
    # A text search lists a bounded candidate set (see contacts/filters.py): read its ranked ids once.
    queryset = filterset.qs  # validates the form (an invalid field is reported and ignored)
    searching = bool(getattr(filterset.form, "cleaned_data", {}).get("q"))
    paginator = CappedPaginator(queryset, PAGE_SIZE, rows=rows, bounded=searching)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "can_edit": can_edit_directory(request.user),
    }


@login_required
def organisation_list(request):
    filterset = OrganisationFilter(request.GET or None, queryset=selectors.organisation_list(), request=request)
    return render(
        request, "contacts/organisation_list.html", _listing(request, filterset, selectors.organisation_list())
    )


@login_required
def person_list(request):
    filterset = PersonFilter(request.GET or None, queryset=selectors.person_list(), request=request)
    return render(request, "contacts/person_list.html", _listing(request, filterset, selectors.person_list()))


@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request.user, pk, queryset=selectors.organisation_base_queryset())
    context = {"organisation": organisation, "can_edit": can_edit_directory(request.user)}
    if not organisation.merged_into_id:
        context.update(
            people=selectors.organisation_people(organisation=organisation),
            subsidiaries=selectors.organisation_subsidiaries(organisation=organisation),
            activity=selectors.organisation_activity(user=request.user, organisation=organisation),
        )
    return render(request, "contacts/organisation_detail.html", context)


@login_required
def person_detail(request, pk):
    person = get_person_for_user(request.user, pk, queryset=selectors.person_base_queryset())
    context = {"person": person, "can_edit": can_edit_directory(request.user)}
    if not person.merged_into_id:
        context["activity"] = selectors.person_activity(user=request.user, person=person)
    return render(request, "contacts/person_detail.html", context)


def _save(form, call):
    """Run a service; a refusal becomes form errors (the user's input stays), nothing is written."""
    try:
        return call()
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def organisation_create(request):
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, initial={"name": request.GET.get("name", "")[:200]}
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "create_anyway" not in request.POST:
            duplicates = organisation_duplicates(
                name=data["name"], name_native=data["name_native"], website=data["website"]
            )
        if not duplicates:
            organisation = _save(form, lambda: services.organisation_create(acting_user=request.user, **data))
            if organisation is not None:
                messages.success(request, f"{organisation} was added to the directory.")
                return redirect("contacts:organisation-detail", pk=organisation.pk)
    return render(request, "contacts/organisation_form.html", {"form": form, "duplicates": duplicates})


@login_required
def organisation_update(request, pk):
    organisation = get_organisation_for_user(request.user, pk, edit=True)
    if organisation.merged_into_id:
        messages.info(request, "This organisation was merged; change the one it was merged into.")
        return redirect("contacts:organisation-detail", pk=organisation.pk)
    form = OrganisationForm(request.POST if request.method == "POST" else None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form, lambda: services.organisation_update(organisation=organisation, acting_user=request.user, **data)
        )
        if saved is not None:
            messages.success(request, f"{organisation} was saved.")
            return redirect("contacts:organisation-detail", pk=organisation.pk)
        organisation.refresh_from_db()
    return render(request, "contacts/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def person_create(request):
    initial = {"family_name": request.GET.get("name", "")[:100]}
    organisation_id = request.GET.get("organisation", "")
    if organisation_id.isascii() and organisation_id.isdigit():
        initial["organisation"] = organisation_id
    form = PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "create_anyway" not in request.POST:
            duplicates = person_duplicates(
                given_name=data["given_name"],
                family_name=data["family_name"],
                name_native=data["name_native"],
                email=data["email"],
            )
        if not duplicates:
            person = _save(form, lambda: services.person_create(acting_user=request.user, **data))
            if person is not None:
                messages.success(request, f"{person} was added to the directory.")
                return redirect("contacts:person-detail", pk=person.pk)
    return render(request, "contacts/person_form.html", {"form": form, "duplicates": duplicates})


@login_required
def person_update(request, pk):
    person = get_person_for_user(request.user, pk, edit=True)
    if person.merged_into_id:
        messages.info(request, "This person was merged; change the record they were merged into.")
        return redirect("contacts:person-detail", pk=person.pk)
    form = PersonForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(form, lambda: services.person_update(person=person, acting_user=request.user, **data)) is not None:
            messages.success(request, f"{person} was saved.")
            return redirect("contacts:person-detail", pk=person.pk)
        person.refresh_from_db()
    return render(request, "contacts/person_form.html", {"form": form, "person": person})
