from datetime import timedelta

import django_filters
from babel.numbers import get_currency_name, list_currencies
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone

from contacts.bidi import isolate
from contacts.models import Organisation
from contacts.widgets import PlainSelect, organisation_picker
from events.models import Delegate, Mission, PartneringMeeting

from .models import FollowUp, Outcome

ISO_4217 = frozenset(list_currencies())

# Follow-ups


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label="Outcome note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What came of it? (optional)"}),
    )


class SnoozeForm(forms.Form):
    due_on = forms.DateField(label="New due date", widget=DateInput())

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["due_on"].widget.attrs["min"] = self.today.isoformat()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(
                f"{due_on:%d %b %Y} is in the past: snooze to today ({self.today:%d %b %Y}) or later."
            )
        return due_on


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Add a note for the thread"}),
        error_messages={"required": "Write something before adding the note."},
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write something before adding the note.")
        return text


class DelegateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person.full_name} ({obj.get_role_display()})"


OTHER_MISSION = "Pick a delegate of this mission: a follow-up can only go to a delegate of its own mission."


class ReassignForm(forms.Form):
    assignee = DelegateChoiceField(
        label="Reassign to", queryset=Delegate.objects.none(), error_messages={"invalid_choice": OTHER_MISSION}
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = mission.delegates.select_related("person").order_by(
            "person__family_name", "person__given_name"
        )


class BulkActionForm(forms.Form):
    ACTIONS = [("complete", "Mark done"), ("snooze", "Snooze by N days"), ("reassign", "Reassign")]

    action = forms.ChoiceField(choices=ACTIONS, error_messages={"required": "Choose what to do with the selection."})
    selected = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": "Select at least one follow-up."}
    )
    note = forms.CharField(label="Outcome note", required=False, max_length=4000)
    days = forms.IntegerField(label="Days", required=False, min_value=1, max_value=365)
    assignee = DelegateChoiceField(
        label="Reassign to",
        required=False,
        queryset=Delegate.objects.none(),
        error_messages={"invalid_choice": OTHER_MISSION},
    )

    def __init__(self, *args, mission: Mission, followup_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(pk, pk) for pk in followup_ids]
        self.fields["selected"].error_messages["invalid_choice"] = (
            "Some selected follow-ups are not on this mission's list; reload the page and try again."
        )
        self.fields["assignee"].queryset = mission.delegates.select_related("person")

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "snooze" and not cleaned.get("days") and "days" not in self.errors:
            self.add_error("days", "Say by how many days to snooze.")
        if action == "reassign" and not cleaned.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", "Choose who takes the selected follow-ups.")
        return cleaned


class MissionFollowUpFilter(django_filters.FilterSet):
    OVERDUE = [("", "Any due date"), ("yes", "Overdue only")]

    status = django_filters.ChoiceFilter(choices=FollowUp.Status.choices, empty_label="Any status")
    assignee = django_filters.ModelChoiceFilter(queryset=Delegate.objects.none(), empty_label="Anyone")
    overdue = django_filters.ChoiceFilter(
        label="Overdue", choices=OVERDUE[1:], empty_label=OVERDUE[0][1], method="filter_overdue"
    )
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due from", widget=DateInput())
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due until", widget=DateInput())

    class Meta:
        model = FollowUp
        fields = ["status", "assignee", "overdue", "due_from", "due_to"]

    def __init__(self, *args, mission: Mission, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        assignee = self.filters["assignee"]
        assignee.queryset = mission.delegates.select_related("person").order_by("person__family_name")
        assignee.field.label_from_instance = lambda d: d.person.full_name
        self.form.fields["assignee"].label_from_instance = lambda d: d.person.full_name
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(status=FollowUp.Status.OPEN, due_on__lt=self.today)
        return queryset

    @property
    def qs(self):
        qs = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        start, end = data.get("due_from"), data.get("due_to")
        if start and end and start > end:
            self.form.add_error("due_to", "“Due until” is before “Due from”.")
            return qs.none()
        return qs


# Outcomes


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MeetingChoiceField(forms.ModelChoiceField):
    """A mission's meetings, labelled "14 Oct 13:00 · Takeda Pharmaceutical · topic".

    A big mission has thousands of meetings: the labels come from two plain value queries
    (no model instances, no per-option template), and the queryset only checks the pick."""

    widget = PlainSelect

    def set_mission(self, mission: Mission, *, empty_label: str) -> None:
        meetings = mission.meetings.order_by("-starts_at", "-pk")
        self.queryset = meetings
        names: dict[int, list[str]] = {}
        through = PartneringMeeting.counterpart_organisations.through.objects
        rows = through.filter(partneringmeeting__mission=mission).order_by("organisation__name")
        for meeting_id, name in rows.values_list("partneringmeeting_id", "organisation__name"):
            names.setdefault(meeting_id, []).append(name)
        tz = mission.tz
        self.choices = [("", empty_label)] + [
            (pk, self.meeting_label(starts_at.astimezone(tz), names.get(pk, []), topic))
            for pk, starts_at, topic in meetings.values_list("pk", "starts_at", "topic")
        ]

    @staticmethod
    def meeting_label(when, organisations, topic) -> str:
        return " · ".join(
            p for p in (f"{when:%-d %b %H:%M}", ", ".join(map(isolate, organisations)), isolate(topic)) if p
        )

    def label_from_instance(self, obj):
        names = [o.name for o in obj.counterpart_organisations.order_by("name")]
        return self.meeting_label(obj.starts_at.astimezone(obj.mission.tz), names, obj.topic)


class OutcomeForm(forms.ModelForm):
    organisations = OrganisationMultipleChoiceField(
        queryset=Organisation.objects.filter(merged_into=None).order_by("name"),
        required=False,
        widget=organisation_picker(multiple=True),
        help_text="Type to search; pick as many as apply.",
    )
    currency = forms.CharField(
        max_length=3,
        required=False,
        help_text="ISO 4217, e.g. GBP, JPY, USD; needed with a value.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )

    class Meta:
        model = Outcome
        fields = [
            "kind",
            "title",
            "achieved_on",
            "meeting",
            "organisations",
            "value",
            "currency",
            "jobs",
            "description",
        ]
        field_classes = {"meeting": MeetingChoiceField}
        labels = {
            "achieved_on": "Date",
            "jobs": "Jobs created or safeguarded",
            "meeting": "From the partnering meeting",
        }
        help_texts = {"jobs": ""}
        widgets = {"achieved_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, mission: Mission, with_meeting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_meeting:
            self.fields["meeting"].set_mission(mission, empty_label="None (an outcome of the mission)")
        else:
            del self.fields["meeting"]  # taken from the follow-up
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-4"), Column("title", css_class="col-md-8")),
            Row(
                Column("achieved_on", css_class="col-md-4"),
                *([Column("meeting", css_class="col-md-8")] if with_meeting else []),
            ),
            "organisations",
            Row(
                Column("value", css_class="col-7 col-md-4"),
                Column("currency", css_class="col-5 col-md-3"),
                Column("jobs", css_class="col-md-5"),
            ),
            "description",
        )
        self.fields["value"].validators.append(MinValueValidator(0, "A value cannot be negative."))
        self.fields["value"].widget.attrs["min"] = "0"
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("achieved_on", timezone.localdate())

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if currency and currency not in ISO_4217:
            raise forms.ValidationError(f"“{currency}” is not an ISO 4217 currency code (e.g. GBP, JPY, USD).")
        return currency

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value") is not None and not cleaned.get("currency") and "currency" not in self.errors:
            self.add_error("currency", "A value needs its currency: give the ISO 4217 code, e.g. GBP, JPY or USD.")
        return cleaned

    @staticmethod
    def currency_name(code: str) -> str:
        return get_currency_name(code, locale="en_GB") if code in ISO_4217 else code


def default_snooze_date(followup, today=None):
    today = today or timezone.localdate()
    return max(followup.due_on, today) + timedelta(days=7)
