"""Privacy pages for managers: find a person, record consent, export everything held
about them (JSON, CSV), erase them, and review people with no recent activity."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from contacts.history import history_entries
from contacts.privacy import person_consent_record
from contacts.privacy_forms import ConsentForm, EraseConfirmForm

from .. import privacy
from ..access import get_person_for_manager, require_manager


@login_required
def retention_review(request):
    require_manager(request.user)
    query = request.GET.get("q", "")[:200]
    people = list(privacy.people_due_for_review())
    for person in people:
        person.last_activity = privacy.last_activity(person)
    return render(
        request,
        "followups/privacy/retention.html",
        {
            "people": people,
            "months": settings.PERSON_RETENTION_MONTHS,
            "cutoff": privacy.retention_cutoff(),
            "query": query,
            "found": privacy.find_people(query) if query else None,
        },
    )


def _person_page(request, person, *, consent_form=None, status=200):
    initial = {"lawful_basis": person.lawful_basis, "consent": person.consent, "source": person.consent_source}
    return render(
        request,
        "followups/privacy/person.html",
        {
            "person": person,
            "consent_form": consent_form or ConsentForm(initial={**initial, "notes": person.consent_notes}),
            "entries": history_entries(person),
        },
        status=status,
    )


@login_required
def person_privacy(request, pk):
    person = get_person_for_manager(request.user, pk)
    return _person_page(request, person)


@login_required
@require_POST
def person_consent(request, pk):
    person = get_person_for_manager(request.user, pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, consent_form=form, status=400)
    person_consent_record(
        person=person,
        consent=form.cleaned_data["consent"],
        lawful_basis=form.cleaned_data["lawful_basis"],
        source=form.cleaned_data["source"],
        notes=form.cleaned_data["notes"],
        changed_on=form.cleaned_data["changed_on"],
        acting_user=request.user,
    )
    messages.success(request, f"Consent and lawful basis recorded for {person.full_name}.")
    return redirect("followups:privacy-person", pk=person.pk)


def _download(content: str, *, person, extension: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = f"subject-access-person-{person.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_export_json(request, pk):
    person = get_person_for_manager(request.user, pk)
    return _download(
        privacy.subject_access_json(person), person=person, extension="json", content_type="application/json"
    )


@login_required
def person_export_csv(request, pk):
    person = get_person_for_manager(request.user, pk)
    return _download(
        privacy.subject_access_csv(person), person=person, extension="csv", content_type="text/csv; charset=utf-8"
    )


@login_required
def person_erase(request, pk):
    person = get_person_for_manager(request.user, pk)
    if person.erased_on:
        messages.info(request, "This person's personal data has already been erased.")
        return redirect("followups:privacy-person", pk=person.pk)
    form = EraseConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        privacy.person_erase(person=person, acting_user=request.user)
        messages.success(request, "Personal data erased. The records stay, anonymised, in the missions' figures.")
        return redirect("followups:privacy-person", pk=person.pk)
    return render(
        request,
        "followups/privacy/erase.html",
        {"person": person, "form": form},
        status=400 if request.method == "POST" else 200,
    )
