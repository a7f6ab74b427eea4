"""Forms of the meeting log, meeting edit and stand enquiry pages (validation only;
the services in events/services.py and followups/services.py write)."""

import datetime as dt
from datetime import timedelta

from django import forms
from django.utils import timezone

from contacts.models import Organisation, Person, Sector
from events.forms import make_local_aware
from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting
from events.services import EnquiryDetails, MeetingDetails

from .services import FollowUpDetails

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form puts it in the mission's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    input_formats = [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value):
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else result

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return super().prepare_value(value)


def _active_organisations():
    return Organisation.objects.filter(merged_into__isnull=True)


def _active_people():
    return Person.objects.filter(merged_into__isnull=True)


def _picked_ids(form, name) -> list[int]:
    if form.is_bound:
        values = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else []
    else:
        values = form.initial.get(name) or []
        if not isinstance(values, list | tuple):
            values = [values]
        values = [getattr(v, "pk", v) for v in values]
    return [int(v) for v in values if str(v).isascii() and str(v).isdigit()][:50]


class MeetingForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), required=False, empty_label="No particular event")
    starts_at = WallClockDateTimeField(label="Time")
    duration_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=600, initial=30)
    location = forms.CharField(label="Table or room", max_length=100, required=False)
    counterpart_organisations = forms.ModelMultipleChoiceField(
        queryset=_active_organisations(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Who did you meet? Type a few letters of their organisation and pick it, or create it.",
            "invalid_pk_value": "That organisation could not be found; pick it again from the list.",
            "invalid_choice": "That organisation could not be found; pick it again from the list.",
        },
    )
    counterpart_people = forms.ModelMultipleChoiceField(
        queryset=_active_people(),
        widget=forms.MultipleHiddenInput,
        required=False,
        error_messages={
            "invalid_pk_value": "That person could not be found; pick them again from the list.",
            "invalid_choice": "That person could not be found; pick them again from the list.",
        },
    )
    delegates = forms.ModelMultipleChoiceField(
        label="Our delegates",
        queryset=Delegate.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": "Tick at least one of our delegates who was in the meeting."},
    )
    topic = forms.CharField(max_length=300, required=False)
    interest = forms.TypedChoiceField(
        label="Interest level",
        choices=[("", "Not sure"), *PartneringMeeting.Interest.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    status = forms.ChoiceField(choices=PartneringMeeting.Status.choices, initial=PartneringMeeting.Status.HELD)
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, mission: Mission, own_delegate: Delegate | None, restricted: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.own_delegate = own_delegate
        self.restricted = restricted
        self.fields["event"].queryset = mission.events.order_by("starts_at")
        self.fields["delegates"].queryset = mission.delegates.select_related("person").order_by(
            "person__family_name", "person__given_name"
        )
        self.fields["delegates"].label_from_instance = lambda delegate: delegate.person.full_name
        self.fields["starts_at"].label = f"Time ({mission.time_zone})"
        self.fields["starts_at"].help_text = f"As the clock reads in {mission.time_zone.replace('_', ' ')}."

    @property
    def selected_organisations(self):
        return self.selected("counterpart_organisations")

    @property
    def selected_people(self):
        return self.selected("counterpart_people")

    def selected(self, name):
        """The records picked so far (to show as chips, also when the form comes back with errors)."""
        queryset = self.fields[name].queryset
        if name == "counterpart_people":
            queryset = queryset.select_related("organisation")
        ids = _picked_ids(self, name)
        found = {record.pk: record for record in queryset.filter(pk__in=ids)}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        return make_local_aware(value, self.mission.tz) if value else value

    def clean(self):
        cleaned = super().clean()
        delegates = cleaned.get("delegates")
        if self.restricted and delegates is not None and self.own_delegate not in delegates:
            self.add_error("delegates", "You can log meetings you were in: tick yourself among our delegates.")
        return cleaned

    def meeting_day(self):
        starts_at = self.cleaned_data.get("starts_at") if hasattr(self, "cleaned_data") else None
        return starts_at.astimezone(self.mission.tz).date() if starts_at else None

    def details(self) -> MeetingDetails:
        c = self.cleaned_data
        return MeetingDetails(
            event=c["event"],
            starts_at=c["starts_at"],
            duration_minutes=c["duration_minutes"],
            location=c["location"],
            status=c["status"],
            topic=c["topic"],
            notes=c["notes"],
            interest=c["interest"],
            next_steps=c["next_steps"],
            delegates=list(c["delegates"]),
            counterpart_organisations=list(c["counterpart_organisations"]),
            counterpart_people=list(c["counterpart_people"]),
            sectors=list(c["sectors"]),
        )

    @staticmethod
    def initial_for(meeting: PartneringMeeting) -> dict:
        return {
            "event": meeting.event_id,
            "starts_at": meeting.starts_at.astimezone(meeting.mission.tz),
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "status": meeting.status,
            "topic": meeting.topic,
            "notes": meeting.notes,
            "interest": meeting.interest,
            "next_steps": meeting.next_steps,
            "delegates": list(meeting.delegates.all()),
            "counterpart_organisations": list(meeting.counterpart_organisations.all()),
            "counterpart_people": list(meeting.counterpart_people.all()),
            "sectors": list(meeting.sectors.all()),
            "version": meeting.version,
        }


class FollowUpForm(forms.Form):
    title = forms.CharField(label="Follow-up", max_length=300)
    assignee = forms.ModelChoiceField(label="Who", queryset=Delegate.objects.none(), empty_label=None)
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, assignees=None, default_assignee=None, default_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees if assignees is not None else Delegate.objects.none()
        self.fields["assignee"].initial = default_assignee
        self.fields["due_on"].initial = default_due

    def has_changed(self):
        # A row counts once it has a title: the assignee and due date come pre-filled.
        return self.is_bound and bool((self.data.get(self.add_prefix("title")) or "").strip())

    def details(self) -> FollowUpDetails:
        return FollowUpDetails(
            title=self.cleaned_data["title"],
            assignee=self.cleaned_data["assignee"],
            due_on=self.cleaned_data["due_on"],
        )


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=1, max_num=20, validate_max=True)


def followup_formset(data=None, *, mission: Mission, own_delegate, restricted: bool, default_due):
    if restricted:
        assignees = mission.delegates.filter(pk=own_delegate.pk) if own_delegate else Delegate.objects.none()
    else:
        assignees = mission.delegates.select_related("person").order_by("person__family_name", "person__given_name")
    return FollowUpFormSet(
        data,
        prefix="followups",
        form_kwargs={"assignees": assignees, "default_assignee": own_delegate, "default_due": default_due},
    )


def filled_followups(formset) -> list[FollowUpForm]:
    return [f for f in formset.forms if f.has_changed() and not f.errors]


def check_followup_dates(formset, meeting_day) -> bool:
    """Refuse follow-ups due before the meeting, on the row concerned."""
    ok = True
    if meeting_day is None:
        return ok
    for form in filled_followups(formset):
        due = form.cleaned_data.get("due_on")
        if due and due < meeting_day:
            form.add_error(
                "due_on",
                f"Due {due:%d %b %Y} is before the meeting ({meeting_day:%d %b %Y}): "
                "a follow-up can only be due on or after the day of the meeting.",
            )
            ok = False
    return ok


def default_event(mission: Mission, now=None):
    """Today's event of the mission where it takes place: one under way (even if it
    began before midnight), else a partnering session or the stand, else the first
    of the day."""
    now = now or timezone.now()
    today = now.astimezone(mission.tz).date()
    events = list(mission.events.order_by("starts_at"))
    for event in events:
        if event.starts_at <= now <= event.ends_at:
            return event
    events = [e for e in events if e.starts_at.astimezone(e.tz).date() == today]
    for event in events:
        if event.kind in (Event.Kind.PARTNERING, Event.Kind.STAND):
            return event
    return events[0] if events else None


def now_in(mission: Mission):
    now = timezone.now().astimezone(mission.tz)
    return now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)


class EnquiryForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), required=False, empty_label="No particular event")
    asked_at = WallClockDateTimeField(label="When")
    asker_name = forms.CharField(label="Who asked", max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        queryset=_active_organisations(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That organisation could not be found; pick it again from the list."},
    )
    category = forms.ChoiceField(
        choices=Enquiry.Category.choices, widget=forms.RadioSelect, initial=Enquiry.Category.OTHER
    )
    question = forms.CharField(label="What they want", widget=forms.Textarea(attrs={"rows": 3}))
    assigned_to = forms.ModelChoiceField(
        label="Assign to",
        queryset=Delegate.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="They get a follow-up to answer it.",
    )
    due_on = forms.DateField(label="Answer by", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, mission: Mission, own_delegate, restricted: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["event"].queryset = mission.events.order_by("starts_at")
        if restricted:
            self.fields["assigned_to"].queryset = (
                mission.delegates.filter(pk=own_delegate.pk) if own_delegate else Delegate.objects.none()
            )
        else:
            self.fields["assigned_to"].queryset = mission.delegates.select_related("person").order_by(
                "person__family_name", "person__given_name"
            )
        self.fields["asked_at"].label = f"When ({mission.time_zone})"

    @property
    def selected_organisation(self):
        ids = _picked_ids(self, "organisation")
        return list(self.fields["organisation"].queryset.filter(pk__in=ids[:1]))

    def clean_asked_at(self):
        value = self.cleaned_data["asked_at"]
        return make_local_aware(value, self.mission.tz) if value else value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("asker_name") and not cleaned.get("organisation") and "organisation" not in self.errors:
            self.add_error("asker_name", "Say who asked: their name, their organisation, or both.")
        asked_at, due = cleaned.get("asked_at"), cleaned.get("due_on")
        if asked_at and due and due < asked_at.astimezone(self.mission.tz).date():
            self.add_error("due_on", "The answer can't be due before the day the question was asked.")
        return cleaned

    def details(self) -> EnquiryDetails:
        c = self.cleaned_data
        return EnquiryDetails(
            event=c["event"],
            asked_at=c["asked_at"],
            asker_name=c["asker_name"],
            person=None,
            organisation=c["organisation"],
            category=c["category"],
            question=c["question"],
            assigned_to=c["assigned_to"],
        )


def default_due(day) -> dt.date:
    return day + timedelta(days=7)
