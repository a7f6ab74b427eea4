"""Forms for missions and what belongs to them: validation only, the writes are in services.py."""

import zoneinfo
from datetime import UTC, datetime, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from contacts.bidi import isolate
from contacts.forms import validate_as_the_model_would
from contacts.models import TIME_ZONE_CHOICES, Organisation, Person, Sector, User
from contacts.widgets import PlainSelect, organisation_picker, person_picker

from . import imports
from .models import Delegate, Event, ImportJob, Mission

# Imports


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="A .csv (UTF-8) or .xlsx file, with a header row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label="Encoding of a CSV file",
        choices=imports.ENCODING_CHOICES,
        initial="auto",
        required=False,
        help_text="Only matters for CSV files that are not UTF-8; Excel workbooks need nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.max_upload_bytes():
            raise forms.ValidationError(imports.too_large_message(upload.size))
        return upload

    def clean_encoding(self):
        return self.cleaned_data.get("encoding") or "auto"


class ImportMappingForm(forms.Form):
    """One choice per field: which column of the file holds it."""

    date_order = forms.ChoiceField(
        label="Dates in this file are written",
        choices=ImportJob.DateOrder.choices,
        widget=forms.RadioSelect,
        help_text="Only numeric dates such as 08/10/2026 depend on this; 2026-10-08 and 8 Oct 2026 are read either way.",
    )

    our_side = forms.ChoiceField(
        label="Which side of each meeting is ours?",
        choices=ImportJob.OurSide.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only for exports with Participant A and B columns.",
    )

    def __init__(
        self,
        *args,
        kind: str,
        headers: list[str],
        initial_mapping: dict,
        date_order: str = "dmy",
        our_side: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = [("", "— not in the file —")] + [(h, h) for h in headers]
        for spec in imports.fields_for(kind):
            self.fields[spec.name] = forms.ChoiceField(
                label=spec.label + (" *" if spec.required else ""),
                choices=choices,
                required=False,
                initial=initial_mapping.get(spec.name, ""),
                help_text=spec.help,
            )
        if kind == ImportJob.Kind.MEETINGS:
            self.fields["date_order"].initial = date_order
            self.fields["our_side"].initial = our_side
        else:
            del self.fields["date_order"], self.fields["our_side"]

    def clean(self):
        cleaned = super().clean()
        date_order = cleaned.pop("date_order", None)
        our_side = cleaned.pop("our_side", "") or ""
        mapping = {name: header for name, header in cleaned.items() if header}
        for problem in imports.mapping_problems(self.kind, mapping):
            self.add_error(None, problem)
        cleaned["mapping"] = mapping
        cleaned["date_order"] = date_order or ImportJob.DateOrder.DAY_FIRST
        cleaned["our_side"] = our_side
        return cleaned


class ImportMatchForm(forms.Form):
    """ "We have this one": the organisation a new name of the file is, remembered as its alias."""

    row = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    organisation = forms.ModelChoiceField(
        label="It is",
        queryset=Organisation.objects.filter(merged_into__isnull=True),
        widget=organisation_picker(),
        error_messages={"required": "Pick the organisation it is.", "invalid_choice": "Pick the organisation it is."},
    )


# Missions, events and rosters

SEARCHABLE = {"class": "form-select", "data-searchable": "true"}
MAX_REMINDER_DAY = 365
# How far before the mission's first day or after its last an event may lie: briefings
# at home beforehand and follow-up visits afterwards are real, a wrong year or month is a typo.
EVENT_MARGIN_DAYS = 14


def organisations():
    return Organisation.objects.filter(merged_into__isnull=True).order_by("name")


def people():
    return (
        Person.objects.filter(merged_into__isnull=True)
        .select_related("organisation")
        .order_by("family_name", "given_name")
    )


class OrganisationChoice(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", organisation_picker(multiple=True))
        super().__init__(queryset=organisations(), **kwargs)


class PersonLabelMixin:
    def label_from_instance(self, person):
        org = f" · {isolate(person.organisation.name)}" if person.organisation_id else ""
        email = f" · {person.email}" if person.email else ""
        return f"{person.display_name}{org}{email}"  # display_name is isolated already


class PersonMultipleChoice(PersonLabelMixin, forms.ModelMultipleChoiceField):
    pass


class PersonChoice(PersonLabelMixin, forms.ModelChoiceField):
    pass


class ReminderOffsetsField(forms.CharField):
    """Days after the mission's end on which reminders go out, typed as "1, 7, 30"."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        items = [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
        days, problems = set(), []
        for item in items:
            try:
                day = int(item)
            except ValueError:
                problems.append(f"“{item}” is not a whole number of days")
                continue
            if day < 1:
                problems.append(f"“{item}” is not a positive number of days")
            elif day > MAX_REMINDER_DAY:
                problems.append(f"“{item}” is more than a year ({MAX_REMINDER_DAY} days)")
            else:
                days.add(day)
        if problems:
            hint = "Type days after the end date separated by commas, e.g. 1, 7, 30."
            raise ValidationError(f"{'; '.join(problems)}. {hint}")
        return sorted(days)


class MissionForm(forms.ModelForm):
    reminder_offsets = ReminderOffsetsField(
        label="Reminder days",
        required=False,
        help_text="Days after the mission's end date on which delegates with open follow-ups get a reminder, "
        "separated by commas, e.g. 1, 7, 30. Leave empty for no reminders.",
    )
    lead_organisations = OrganisationChoice(help_text="Type to search. The organisations leading the mission.")
    partner_organisations = OrganisationChoice(help_text="Type to search. Partners and co-hosts at the destination.")

    class Meta:
        model = Mission
        fields = [
            "title",
            "direction",
            "status",
            "destination_country",
            "destination_city",
            "start_date",
            "end_date",
            "time_zone",
            "lead_organisations",
            "partner_organisations",
            "sectors",
            "programme",
            "reminder_offsets",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "time_zone": PlainSelect(attrs=SEARCHABLE),
            "destination_country": PlainSelect(attrs=SEARCHABLE),
            "sectors": forms.SelectMultiple(attrs=SEARCHABLE),
            "programme": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"time_zone": "Where the mission takes place; new events start in this zone."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.order_by("name")
        self.fields["sectors"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            Row(Column("direction", css_class="col-sm-6"), Column("status", css_class="col-sm-6")),
            Row(Column("destination_country", css_class="col-sm-6"), Column("destination_city", css_class="col-sm-6")),
            Row(Column("start_date", css_class="col-sm-6"), Column("end_date", css_class="col-sm-6")),
            "time_zone",
            "lead_organisations",
            "partner_organisations",
            "sectors",
            "programme",
            "reminder_offsets",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The mission must end on or after its first day.")
        leads = set(cleaned.get("lead_organisations") or [])
        partners = set(cleaned.get("partner_organisations") or [])
        both = leads & partners
        if both:
            names = ", ".join(sorted(o.name for o in both))
            self.add_error("partner_organisations", f"{names} is already a lead organisation.")
        return cleaned

    def _post_clean(self):
        # Model validation would choke on the list of days before the form has turned
        # it into one; the fields are checked above (and each against its model
        # field's validators here), the services save them.
        validate_as_the_model_would(self)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, kept naive: the form makes it aware in the event's own
    zone, not in the zone of whoever is typing (which Django's field would use)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            result = value
        else:
            text = str(value).strip()
            try:
                result = parse_datetime(text)
            except ValueError:
                result = None
            for fmt in self.input_formats if result is None else ():
                try:
                    result = self.strptime(text, fmt)
                    break
                except (ValueError, TypeError):
                    continue
        if result is None:
            raise ValidationError("Enter a date and time, e.g. 2026-10-14 13:00.", code="invalid")
        if result.tzinfo is not None:
            raise ValidationError("Type the local time at the event, without a time-zone offset.", code="aware")
        return result


def make_local_aware(local: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """The aware instant a wall-clock time means in a zone: the one helper every form
    with a local time uses (events, meetings, stand enquiries).

    A time skipped when the clocks go forward does not exist and is refused; a time
    repeated when they go back is read as its first occurrence (summer time)."""
    aware = local.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise ValidationError(
            "%(time)s does not exist in %(zone)s on %(day)s: the clocks go forward then. Choose a later time.",
            code="nonexistent_time",
            params={"time": f"{local:%H:%M}", "zone": str(tz), "day": f"{local:%-d %B %Y}"},
        )
    return aware


class EventForm(forms.ModelForm):
    starts_local = LocalDateTimeField(label="Starts", help_text="Local time at the event.")
    ends_local = LocalDateTimeField(label="Ends", help_text="Local time at the event.")
    co_hosts = OrganisationChoice(label="Co-hosts", help_text="Type to search.")
    sponsors = OrganisationChoice(help_text="Type to search.")
    speakers = PersonMultipleChoice(
        queryset=Person.objects.none(), required=False, widget=person_picker(multiple=True), help_text="Type to search."
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "time_zone",
            "starts_local",
            "ends_local",
            "venue",
            "city",
            "co_hosts",
            "sponsors",
            "speakers",
            "capacity",
            "attendance",
            "description",
        ]
        widgets = {
            "time_zone": PlainSelect(attrs=SEARCHABLE),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"time_zone": "Start and end are read as local times in this zone."}

    def __init__(self, *args, mission: Mission, **kwargs):
        self.mission = mission
        instance = kwargs.get("instance")
        initial = kwargs.setdefault("initial", {})
        if instance is not None and instance.pk:
            initial.setdefault("starts_local", instance.starts_at.astimezone(instance.tz).replace(tzinfo=None))
            initial.setdefault("ends_local", instance.ends_at.astimezone(instance.tz).replace(tzinfo=None))
        else:
            initial.setdefault("time_zone", mission.time_zone)
            initial.setdefault("city", mission.destination_city)
        super().__init__(*args, **kwargs)
        self.fields["speakers"].queryset = people()
        self.fields["time_zone"].choices = TIME_ZONE_CHOICES
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-sm-8"), Column("kind", css_class="col-sm-4")),
            "time_zone",
            Row(Column("starts_local", css_class="col-sm-6"), Column("ends_local", css_class="col-sm-6")),
            Row(Column("venue", css_class="col-sm-6"), Column("city", css_class="col-sm-6")),
            "co_hosts",
            "sponsors",
            "speakers",
            Row(Column("capacity", css_class="col-sm-6"), Column("attendance", css_class="col-sm-6")),
            "description",
        )
        self.warnings: list[str] = []

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        starts, ends = cleaned.get("starts_local"), cleaned.get("ends_local")
        if not zone_name:
            return cleaned
        tz = zoneinfo.ZoneInfo(zone_name)
        for name, local in (("starts_local", starts), ("ends_local", ends)):
            if local is None:
                continue
            try:
                cleaned[name.replace("_local", "_at")] = make_local_aware(local, tz)
            except ValidationError as error:
                self.add_error(name, error)
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_local", "The event must end after it starts.")
            else:
                self._check_within_mission(starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date())
        return cleaned

    def _check_within_mission(self, first_day, last_day):
        mission = self.mission
        earliest = mission.start_date - timedelta(days=EVENT_MARGIN_DAYS)
        latest = mission.end_date + timedelta(days=EVENT_MARGIN_DAYS)
        span = f"{mission.start_date:%-d %b %Y} – {mission.end_date:%-d %b %Y}"
        if first_day < earliest or last_day > latest:
            self.add_error(
                "starts_local" if first_day < earliest else "ends_local",
                f"The mission runs {span}: an event must fall within {EVENT_MARGIN_DAYS} days of it "
                f"(between {earliest:%-d %b %Y} and {latest:%-d %b %Y}). Check the year and month.",
            )
        elif first_day < mission.start_date or last_day > mission.end_date:
            self.warnings.append(f"This event is outside the mission's dates ({span}).")

    def _post_clean(self):
        # The model's own validation would need starts_at/ends_at, which the form
        # computes in clean(); the database constraints still check them. Each typed
        # field is still checked against its model field (capacity's range, say).
        validate_as_the_model_would(self)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "venue": data["venue"],
            "city": data["city"],
            "time_zone": data["time_zone"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "description": data["description"],
            "capacity": data["capacity"],
            "attendance": data["attendance"],
            "co_hosts": list(data["co_hosts"]),
            "sponsors": list(data["sponsors"]),
            "speakers": list(data["speakers"]),
        }


class DelegateAddForm(forms.Form):
    """Add someone we know, or a new person, to the roster."""

    EXISTING, NEW = "existing", "new"

    who = forms.ChoiceField(
        label="Who",
        choices=[(EXISTING, "Someone we already know"), (NEW, "A new person")],
        initial=EXISTING,
        widget=forms.RadioSelect,
    )
    person = PersonChoice(
        queryset=Person.objects.none(),
        required=False,
        label="Person",
        widget=person_picker(multiple=False),
        help_text="Type a name (Latin or Japanese script) and pick them from the matches.",
    )
    given_name = forms.CharField(max_length=100, required=False)
    family_name = forms.CharField(max_length=100, required=False)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, widget=organisation_picker(multiple=False)
    )
    job_title = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Delegate.Role.choices, initial=Delegate.Role.DELEGATE)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["person"].queryset = people()
        self.fields["organisation"].queryset = organisations()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        who = cleaned.get("who")
        if who == self.EXISTING:
            person = cleaned.get("person")
            if person is None:
                if not self.has_error("person"):
                    self.add_error("person", "Choose the person to add, or pick “A new person”.")
            elif self.mission.delegates.filter(person=person).exists():
                self.add_error("person", f"{person.full_name} is already on this mission.")
        elif who == self.NEW and not cleaned.get("family_name", "").strip():
            self.add_error("family_name", "A new person needs at least a family name.")
        return cleaned


class DelegateRoleForm(forms.ModelForm):
    class Meta:
        model = Delegate
        fields = ["role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _post_clean(self):
        pass  # the service decides whether the change is allowed


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        parts = [user.username] + ([name] if name else []) + ([user.email] if user.email else [])
        return " · ".join(parts)


class LinkUserForm(forms.Form):
    user = UserChoice(queryset=User.objects.none(), label="Account", widget=forms.Select(attrs=SEARCHABLE))

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = queryset
        self.fields[
            "user"
        ].help_text = "Type a username, name or email. Accounts already linked to someone else are not listed."
        self.helper = FormHelper()
        self.helper.form_tag = False


class InviteForm(forms.Form):
    email = forms.EmailField(required=False, help_text="Saved on the person's record.")

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person.email:
            del self.fields["email"]
        else:
            self.fields["email"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False


class MissionFilterForm(forms.Form):
    """The mission list's filters, read from the query string; bad values are ignored with a message."""

    status = forms.ChoiceField(choices=[("", "Any status"), *Mission.Status.choices], required=False)
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    q = forms.CharField(required=False, max_length=100, strip=True)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year")] + [(y, str(y)) for y in years]
