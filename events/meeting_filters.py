"""Filters of the meeting list, read from the query string (django-filter validates them:
a malformed value or an id the user may not use becomes a message on the page, never a 500).

No choice list here is ever longer than one mission's: organisations, people and (without a
mission) delegates are picked with a typeahead that renders only the picked record; events
and delegates are listed once a mission is chosen."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q

from contacts.models import Organisation, Person, Sector
from contacts.widgets import PlainSelect, Typeahead, organisation_picker, person_picker

from . import selectors
from .access import missions_visible_to
from .models import Event, Mission, PartneringMeeting

MAX_ID_LENGTH = 18


def _raw_id(data, name) -> str | None:
    value = data.get(name) if data is not None else None
    return value if value and value.isascii() and value.isdigit() and len(value) <= MAX_ID_LENGTH else None


class PersonLabelChoice(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person.full_name


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonLabelChoice


class MeetingFilter(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(
        queryset=Mission.objects.none(),
        widget=PlainSelect,
        empty_label="All missions",
        error_messages={"invalid_choice": "There is no mission with this number among the missions you can see."},
    )
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.none(),
        widget=PlainSelect,
        empty_label="All events",
        error_messages={"invalid_choice": "This event is not one of the chosen mission's."},
    )
    day = django_filters.DateFilter(
        method="filter_day", label="Day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    delegate = PersonFilter(
        field_name="delegates__person",
        queryset=Person.objects.none(),
        widget=PlainSelect,
        label="Our delegate",
        empty_label="Anyone",
        distinct=False,
        error_messages={"invalid_choice": "This person is not a delegate on the missions you can see."},
    )
    counterpart = django_filters.ModelChoiceFilter(
        field_name="counterpart_organisations",
        queryset=Organisation.objects.filter(merged_into__isnull=True),
        label="Counterpart organisation",
        distinct=False,
        widget=organisation_picker(),
        error_messages={"invalid_choice": "There is no such organisation (it may have been merged): pick it again."},
    )
    person = PersonFilter(
        field_name="counterpart_people",
        queryset=Person.objects.filter(merged_into__isnull=True).select_related("organisation"),
        label="Counterpart person",
        distinct=False,
        widget=person_picker(),
        error_messages={"invalid_choice": "There is no such person (they may have been merged): pick them again."},
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors", queryset=Sector.objects.all(), label="Sector", empty_label="Any sector", distinct=False
    )
    status = django_filters.ChoiceFilter(choices=PartneringMeeting.Status.choices, empty_label="Any status")
    interest = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in PartneringMeeting.Interest.choices],
        label="Interest",
        empty_label="Any interest",
    )

    class Meta:
        model = PartneringMeeting
        fields = ["mission", "event", "day", "delegate", "counterpart", "person", "sector", "status", "interest"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        missions = missions_visible_to(user)
        self.missions = missions
        self.filters["mission"].queryset = missions.order_by("-start_date", "title")
        mission_id, event_id = _raw_id(self.data, "mission"), _raw_id(self.data, "event")
        visible_events = Event.objects.filter(mission__in=missions)
        if mission_id:
            # One mission: its events and delegates are few enough to list.
            events = visible_events.filter(mission_id=mission_id)
            self.filters["delegate"].queryset = selectors.delegate_people(user=user, mission_id=int(mission_id))
        else:
            # An event without a mission (a link from the event's page): the events of its mission.
            events = visible_events.filter(mission__events=event_id) if event_id else Event.objects.none()
            self.filters["event"].extra["empty_label"] = "All events (choose a mission to list them)"
            self.filters["delegate"].queryset = selectors.delegate_people(user=user)
            self.filters["delegate"].extra["widget"] = Typeahead(
                lookup="events:delegate-lookup", kind="person", placeholder="A delegate's name"
            )
        self.filters["event"].queryset = events.order_by("starts_at")

    def filter_day(self, queryset, name, value):
        """The calendar day where each meeting took place (its mission's time zone)."""
        zones = self.missions.order_by().values_list("time_zone", flat=True).distinct()
        condition = Q()
        for zone in zones:
            tz = Mission(time_zone=zone).tz
            start = datetime.combine(value, time.min, tzinfo=tz)
            condition |= Q(mission__time_zone=zone, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        return queryset.filter(condition) if condition else queryset.none()
