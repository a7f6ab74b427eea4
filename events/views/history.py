"""History tabs of missions and events (the shared mechanism is contacts.history)."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from contacts.history import history_page

from ..access import get_event_for_user, get_mission_for_user


@login_required
def mission_history(request, pk):
    mission = get_mission_for_user(request.user, pk)
    return history_page(
        request,
        mission,
        kind="mission",
        back_url=reverse("events:mission-detail", args=[mission.pk]),
        crumbs=[("Missions", reverse("events:mission-list"))],
    )


@login_required
def event_history(request, pk):
    event = get_event_for_user(request.user, pk)
    return history_page(
        request,
        event,
        kind="event",
        back_url=reverse("events:event-detail", args=[event.pk]),
        crumbs=[
            ("Missions", reverse("events:mission-list")),
            (event.mission.title, reverse("events:mission-detail", args=[event.mission_id])),
        ],
    )
