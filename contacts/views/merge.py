"""Merge two organisations or two people (organisers and managers only).

Step 1 picks the other record (suggested duplicates, or a search); step 2 shows
both side by side, the user picks the survivor and, where they differ, whose
value to keep; the merge then moves every relation to the survivor in one
transaction and keeps the other record as a trace pointing to it. Which merges
an organiser may make (only rows of missions they organise move, no person with
a login) is contacts.access.merge_refusal: the comparison shows it for each
record, and the service enforces it."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import selectors, services
from ..access import get_organisation_for_user, get_person_for_user, merge_refusal
from ..duplicates import organisation_duplicates, person_duplicates
from ..filters import OrganisationFilter, PersonFilter
from ..forms import MergeForm, MergePickForm
from ..models import Organisation, Person

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Kind:
    model: type
    noun: str
    url_prefix: str
    get: object
    base_queryset: object
    listing: object
    filterset: type
    duplicates: object
    merge: object


def _organisation_duplicates(record):
    return organisation_duplicates(
        name=record.name, name_native=record.name_native, website=record.website, exclude_pk=record.pk
    )


def _person_duplicates(record):
    return person_duplicates(
        given_name=record.given_name,
        family_name=record.family_name,
        name_native=record.name_native,
        email=record.email,
        exclude_pk=record.pk,
    )


ORGANISATIONS = Kind(
    Organisation,
    "organisation",
    "contacts:organisation",
    get_organisation_for_user,
    selectors.organisation_base_queryset,
    selectors.organisation_list,
    OrganisationFilter,
    _organisation_duplicates,
    services.organisation_merge,
)
PEOPLE = Kind(
    Person,
    "person",
    "contacts:person",
    get_person_for_user,
    selectors.person_base_queryset,
    selectors.person_list,
    PersonFilter,
    _person_duplicates,
    services.person_merge,
)


def _refuse_merged(request, kind, *records):
    for record in records:
        if record.merged_into_id:
            messages.error(request, f"{record} was already merged into {record.merged_into}.")
            return redirect(f"{kind.url_prefix}-detail", pk=record.pk)
    return None


def _pick(request, kind, pk):
    record = kind.get(request.user, pk, edit=True, queryset=kind.base_queryset())
    if refused := _refuse_merged(request, kind, record):
        return refused
    form = MergePickForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        filterset = kind.filterset({"q": form.cleaned_data["q"]}, queryset=kind.listing(), request=request)
        results = list(filterset.qs.exclude(pk=record.pk)[:SEARCH_LIMIT])
    return render(
        request,
        "contacts/merge_pick.html",
        {
            "record": record,
            "kind": kind,
            "form": form,
            "results": results,
            "suggestions": kind.duplicates(record),
            "compare_url": f"{kind.url_prefix}-merge-compare",
            "detail_url": f"{kind.url_prefix}-detail",
        },
    )


def _compare(request, kind, pk, other_pk):
    first = kind.get(request.user, pk, edit=True, queryset=kind.base_queryset())
    second = kind.get(request.user, other_pk, edit=True, queryset=kind.base_queryset())
    if first.pk == second.pk:
        messages.error(request, f"Pick another {kind.noun}: a record cannot be merged with itself.")
        return redirect(f"{kind.url_prefix}-merge", pk=first.pk)
    if refused := _refuse_merged(request, kind, first, second):
        return refused
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        initial={"survivor": first.pk},
        first=first,
        second=second,
        fields=services.merge_fields(kind.model),
    )
    if request.method == "POST" and form.is_valid():
        survivor, other = form.survivor_and_other()
        try:
            survivor = kind.merge(
                survivor=survivor,
                other=other,
                take_from_other=form.take_from_other(),
                acting_user=request.user,
            )
        except services.MergeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{other} was merged into {survivor}.")
            return redirect(f"{kind.url_prefix}-detail", pk=survivor.pk)
    return render(
        request,
        "contacts/merge_compare.html",
        {
            "kind": kind,
            "form": form,
            "first": first,
            "second": second,
            # Each record if kept: what it receives, and why this user may not keep it (if so).
            "pairs": [
                (
                    record,
                    services.merge_preview(survivor=record, other=loser),
                    merge_refusal(request.user, survivor=record, other=loser),
                )
                for record, loser in ((first, second), (second, first))
            ],
            "detail_url": f"{kind.url_prefix}-detail",
        },
    )


@login_required
def organisation_merge(request, pk):
    return _pick(request, ORGANISATIONS, pk)


@login_required
def organisation_merge_compare(request, pk, other_pk):
    return _compare(request, ORGANISATIONS, pk, other_pk)


@login_required
def person_merge(request, pk):
    return _pick(request, PEOPLE, pk)


@login_required
def person_merge_compare(request, pk, other_pk):
    return _compare(request, PEOPLE, pk, other_pk)
