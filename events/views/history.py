"""History tabs of missions and events (the shared mechanism is contacts.history)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from contacts.history import history_entries

from ..access import get_event_for_user, get_mission_for_user


@login_required
def mission_history(request, pk):
    mission = get_mission_for_user(request.user, pk)
    return render(
        request,
        "history_page.html",
        {
            "record": mission,
            "kind": "mission",
            "back_url": reverse("events:mission-detail", args=[mission.pk]),
            "crumbs": [("Missions", reverse("events:mission-list"))],
            "entries": history_entries(mission),
        },
    )


@login_required
def event_history(request, pk):
    event = get_event_for_user(request.user, pk)
    mission_url = reverse("events:mission-detail", args=[event.mission_id])
    return render(
        request,
        "history_page.html",
        {
            "record": event,
            "kind": "event",
            "back_url": mission_url,
            "crumbs": [("Missions", reverse("events:mission-list")), (event.mission.title, mission_url)],
            "entries": history_entries(event),
        },
    )
