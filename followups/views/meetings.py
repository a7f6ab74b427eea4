"""Partnering meetings and stand enquiries: log (phone first), list, detail, edit.

These live in the followups app because a meeting is saved together with the
follow-ups agreed in it, and events may not import followups. Access goes
through events/access.py and followups/access.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts.history import history_entries
from contacts.paging import EstimatingPaginator
from events import selectors as event_selectors
from events.access import (
    can_edit_meeting,
    can_organise,
    delegate_for_user,
    get_meeting_for_user,
    get_mission_for_logging,
    get_mission_for_user,
    missions_visible_to,
)
from events.meeting_filters import MeetingFilter
from events.models import Mission, PartneringMeeting
from events.services import MeetingEditConflict

from .. import services
from ..access import followups_visible_to
from ..meeting_forms import (
    EnquiryForm,
    MeetingForm,
    check_followup_dates,
    default_due,
    default_event,
    filled_followups,
    followup_formset,
    now_in,
)

PAGE_SIZE = 25


def current_mission(user) -> Mission | None:
    """The mission a user is most likely logging for: one under way today, else the next, else the latest."""
    today = timezone.localdate()
    missions = missions_visible_to(user)
    return (
        missions.filter(start_date__lte=today, end_date__gte=today).order_by("start_date").first()
        or missions.filter(start_date__gt=today).order_by("start_date").first()
        or missions.order_by("-end_date").first()
    )


def _mission_from_query(request) -> Mission | None:
    raw = request.GET.get("mission")
    if raw is None or raw == "":
        mission = current_mission(request.user)
        if mission is None:
            return None
        raw = mission.pk
    return get_mission_for_logging(request.user, raw)


def _who(request, mission):
    own = delegate_for_user(request.user, mission)
    restricted = not can_organise(request.user, mission)
    return own, restricted


def _no_mission(request):
    return render(request, "meetings/no_mission.html", status=200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_log(request):
    mission = _mission_from_query(request)
    if mission is None:
        return _no_mission(request)
    own, restricted = _who(request, mission)
    kwargs = {"mission": mission, "own_delegate": own, "restricted": restricted}
    if request.method == "POST":
        form = MeetingForm(request.POST, **kwargs)
        day = form.meeting_day() if form.is_valid() else None
        formset = followup_formset(
            request.POST, mission=mission, own_delegate=own, restricted=restricted, default_due=None
        )
        formset_ok = formset.is_valid() and check_followup_dates(formset, day)
        if form.is_valid() and formset_ok:
            try:
                meeting, followups = services.meeting_log(
                    mission=mission,
                    details=form.details(),
                    followups=[f.details() for f in filled_followups(formset)],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                counterparts = ", ".join(o.name for o in form.cleaned_data["counterpart_organisations"])
                note = f" and {len(followups)} follow-up{'s' if len(followups) != 1 else ''}" if followups else ""
                messages.success(request, f"Meeting with {counterparts} logged{note}.")
                return redirect("meetings:detail", pk=meeting.pk)
        messages.error(request, "Nothing was saved yet: please check the highlighted fields.")
    else:
        now = now_in(mission)
        event = default_event(mission)
        form = MeetingForm(
            initial={"starts_at": now, "event": event, "delegates": [own] if own else []},
            **kwargs,
        )
        formset = followup_formset(
            mission=mission, own_delegate=own, restricted=restricted, default_due=default_due(now.date())
        )
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "mission": mission,
            "form": form,
            "formset": formset,
            "missions": missions_visible_to(request.user).order_by("-start_date"),
            "editing": None,
        },
    )


# The meeting's own fields, compared when two edits collide (the page's history, many-to-many
# changes included, comes from contacts.history).
_PLAIN_FIELDS = [
    f.name
    for f in PartneringMeeting._meta.concrete_fields
    if f.name not in ("id", "version", "modified_by", "created_by", "created_at", "modified_at")
]


def _conflict_changes(meeting, expected_version):
    """What the other save changed, field by field, from the version this edit started from."""
    records = list(meeting.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    latest = records[0] if records else None
    base = next((r for r in records if r.version == expected_version), None)
    changes = []
    if latest and base and latest.pk != base.pk:
        delta = latest.diff_against(base, included_fields=_PLAIN_FIELDS)
        for change in delta.changes:
            label = meeting._meta.get_field(change.field).verbose_name
            changes.append((label.capitalize(), change.old, change.new))
    return latest, changes


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, edit=True)
    mission = meeting.mission
    own, restricted = _who(request, mission)
    kwargs = {"mission": mission, "own_delegate": own, "restricted": restricted}
    conflict = None
    if request.method == "POST":
        form = MeetingForm(request.POST, **kwargs)
        day = form.meeting_day() if form.is_valid() else None
        formset = followup_formset(
            request.POST, mission=mission, own_delegate=own, restricted=restricted, default_due=None
        )
        formset_ok = formset.is_valid() and check_followup_dates(formset, day)
        expected = form.cleaned_data.get("version") if form.is_valid() else None
        if form.is_valid() and expected is None:
            form.add_error(None, "This form is missing its version: reload the meeting and edit again.")
        elif form.is_valid() and formset_ok:
            try:
                meeting, followups = services.meeting_edit(
                    meeting=meeting,
                    expected_version=expected,
                    details=form.details(),
                    new_followups=[f.details() for f in filled_followups(formset)],
                    user=request.user,
                )
            except MeetingEditConflict as error:
                latest, changes = _conflict_changes(error.meeting, expected)
                conflict = {"meeting": error.meeting, "latest": latest, "changes": changes}
                # Keep what the user typed; the next save is a deliberate overwrite of the newer version.
                data = request.POST.copy()
                data["version"] = str(error.meeting.version)
                form = MeetingForm(data, **kwargs)
                form.is_valid()
                formset = followup_formset(
                    data, mission=mission, own_delegate=own, restricted=restricted, default_due=None
                )
                formset.is_valid()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Meeting saved.")
                return redirect("meetings:detail", pk=meeting.pk)
        if conflict is None:
            messages.error(request, "Nothing was saved yet: please check the highlighted fields.")
    else:
        form = MeetingForm(initial=MeetingForm.initial_for(meeting), **kwargs)
        day = meeting.starts_at.astimezone(mission.tz).date()
        formset = followup_formset(
            mission=mission, own_delegate=own, restricted=restricted, default_due=default_due(day)
        )
    return render(
        request,
        "meetings/meeting_form.html",
        {"mission": mission, "form": form, "formset": formset, "editing": meeting, "conflict": conflict},
    )


@login_required
def meeting_list(request):
    meetings = MeetingFilter(
        request.GET or None, queryset=event_selectors.meeting_list(user=request.user), user=request.user
    )
    if meetings.is_bound and not meetings.is_valid():
        messages.error(
            request, "Some filters could not be used, so no meetings are listed: see the message by each filter below."
        )
        queryset = event_selectors.meeting_list(user=request.user).none()
    else:
        queryset = meetings.qs
    page = EstimatingPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {"filter": meetings, "page": page, "query": query.urlencode(), "log_mission": current_mission(request.user)},
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    meeting = event_selectors.meeting_base_queryset().get(pk=meeting.pk)
    followups = (
        followups_visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("assignee__person")
        .order_by("due_on", "pk")
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "mission": meeting.mission,
            "followups": followups,
            "history": history_entries(meeting, limit=50),
            "can_edit": can_edit_meeting(request.user, meeting),
        },
    )


# Stand enquiries


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_new(request):
    mission = _mission_from_query(request)
    if mission is None:
        return _no_mission(request)
    own, restricted = _who(request, mission)
    kwargs = {"mission": mission, "own_delegate": own, "restricted": restricted}
    if request.method == "POST":
        form = EnquiryForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                enquiry, followup = services.enquiry_capture(
                    mission=mission, details=form.details(), due_on=form.cleaned_data["due_on"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if followup:
                    messages.success(
                        request, f"Enquiry saved; {followup.assignee.person.full_name} has a follow-up to answer it."
                    )
                else:
                    messages.success(request, "Enquiry saved. Nobody is assigned yet.")
                return redirect(f"{reverse('meetings:enquiry-list')}?mission={mission.pk}")
        messages.error(request, "Nothing was saved yet: please check the highlighted fields.")
    else:
        now = now_in(mission)
        form = EnquiryForm(
            initial={
                "asked_at": now,
                "event": default_event(mission),
                "assigned_to": own if restricted else None,
                "due_on": default_due(now.date()),
            },
            **kwargs,
        )
    return render(request, "meetings/enquiry_form.html", {"mission": mission, "form": form})


@login_required
def enquiry_list(request):
    raw = request.GET.get("mission")
    if not raw:
        mission = current_mission(request.user)
        if mission is None:
            return _no_mission(request)
    else:
        mission = get_mission_for_user(request.user, raw)
    enquiries = event_selectors.enquiry_list(mission=mission)
    page = Paginator(enquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    try:
        can_log = bool(get_mission_for_logging(request.user, mission.pk))
    except (PermissionDenied, Http404):
        can_log = False
    return render(
        request,
        "meetings/enquiry_list.html",
        {"mission": mission, "page": page, "can_log": can_log, "missions": missions_visible_to(request.user)},
    )
