"""History tabs of follow-ups and outcomes (the shared mechanism is contacts.history)."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from contacts.history import history_page

from ..access import get_followup_for_user, get_outcome_for_user


@login_required
def followup_history(request, pk):
    followup = get_followup_for_user(request.user, pk)
    return history_page(
        request,
        followup,
        kind="follow-up",
        back_url=reverse("followups:followup-detail", args=[followup.pk]),
        crumbs=[("Follow-ups", reverse("followups:my-followups"))],
    )


@login_required
def outcome_history(request, pk):
    outcome = get_outcome_for_user(request.user, pk)
    return history_page(
        request,
        outcome,
        kind="outcome",
        back_url=reverse("followups:mission-outcomes", args=[outcome.mission_id]),
        back_label=f"Outcomes of {outcome.mission.title}",
        crumbs=[
            ("Missions", reverse("events:mission-list")),
            (outcome.mission.title, reverse("events:mission-detail", args=[outcome.mission_id])),
        ],
    )
