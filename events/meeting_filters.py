"""Filters of the meeting list, read from the query string (django-filter validates them:
a malformed value becomes a form error on the page, never a 500)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q

from contacts.models import Organisation, Sector

from .access import missions_visible_to
from .models import Delegate, Event, Mission, PartneringMeeting


class MeetingFilter(django_filters.FilterSet):
    mission = django_filters.ModelChoiceFilter(queryset=Mission.objects.none(), empty_label="All missions")
    event = django_filters.ModelChoiceFilter(queryset=Event.objects.none(), empty_label="All events")
    day = django_filters.DateFilter(
        method="filter_day", label="Day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    delegate = django_filters.ModelChoiceFilter(
        field_name="delegates", queryset=Delegate.objects.none(), label="Our delegate", empty_label="Anyone"
    )
    counterpart = django_filters.ModelChoiceFilter(
        field_name="counterpart_organisations",
        queryset=Organisation.objects.none(),
        label="Counterpart",
        empty_label="Any organisation",
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors", queryset=Sector.objects.all(), label="Sector", empty_label="Any sector"
    )
    status = django_filters.ChoiceFilter(choices=PartneringMeeting.Status.choices, empty_label="Any status")
    interest = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in PartneringMeeting.Interest.choices],
        label="Interest",
        empty_label="Any interest",
    )

    class Meta:
        model = PartneringMeeting
        fields = ["mission", "event", "day", "delegate", "counterpart", "sector", "status", "interest"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        missions = missions_visible_to(user)
        self.filters["mission"].queryset = missions.order_by("-start_date", "title")
        self.filters["event"].queryset = Event.objects.filter(mission__in=missions).order_by("starts_at")
        self.filters["delegate"].queryset = (
            Delegate.objects.filter(mission__in=missions)
            .select_related("person", "mission")
            .order_by("person__family_name", "person__given_name")
        )
        self.filters["counterpart"].queryset = (
            Organisation.objects.filter(meetings__mission__in=missions).distinct().order_by("name")
        )

    def filter_day(self, queryset, name, value):
        """The calendar day where each meeting took place (its mission's time zone)."""
        zones = Mission.objects.filter(pk__in=queryset.values("mission")).values_list("time_zone", flat=True)
        condition = Q()
        for zone in set(zones):
            tz = Mission(time_zone=zone).tz
            start = datetime.combine(value, time.min, tzinfo=tz)
            condition |= Q(mission__time_zone=zone, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        return queryset.filter(condition) if condition else queryset.none()
