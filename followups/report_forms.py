"""Validation of the mission report's query string (filters, comparison)."""

from django import forms

from events.access import missions_organised_by
from events.models import Event, Mission

from .report import ReportFilters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportFilterForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), required=False, empty_label="All events", label="Event"
    )
    date_from = forms.DateField(required=False, label="From", widget=DateInput())
    date_to = forms.DateField(required=False, label="To", widget=DateInput())

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = mission.events.order_by("starts_at")
        self.fields["event"].error_messages["invalid_choice"] = "That event is not part of this mission."
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = "Enter a date as YYYY-MM-DD."

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date must not be after the end date.")
        return data

    def filters(self) -> ReportFilters:
        if not self.is_bound or not self.is_valid():
            return ReportFilters()
        return ReportFilters(
            event=self.cleaned_data["event"],
            date_from=self.cleaned_data["date_from"],
            date_to=self.cleaned_data["date_to"],
        )


class CompareForm(forms.Form):
    other = forms.ModelChoiceField(
        queryset=Mission.objects.none(), label="Compare with", empty_label="Choose a mission"
    )

    def __init__(self, *args, mission: Mission, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = missions_organised_by(user).exclude(pk=mission.pk).order_by("-start_date")
        self.fields["other"].error_messages["invalid_choice"] = "Choose one of your missions to compare with."
