"""History tabs of follow-ups and outcomes (the shared mechanism is contacts.history)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from contacts.history import history_entries

from ..access import get_followup_for_user, get_outcome_for_user


@login_required
def followup_history(request, pk):
    followup = get_followup_for_user(request.user, pk)
    return render(
        request,
        "history_page.html",
        {
            "record": followup,
            "kind": "follow-up",
            "back_url": reverse("followups:my-followups"),
            "back_label": "Follow-ups",
            "crumbs": [],
            "entries": history_entries(followup),
        },
    )


@login_required
def outcome_history(request, pk):
    outcome = get_outcome_for_user(request.user, pk)
    mission_url = reverse("events:mission-detail", args=[outcome.mission_id])
    return render(
        request,
        "history_page.html",
        {
            "record": outcome,
            "kind": "outcome",
            "back_url": mission_url,
            "back_label": outcome.mission.title,
            "crumbs": [("Missions", reverse("events:mission-list"))],
            "entries": history_entries(outcome),
        },
    )
