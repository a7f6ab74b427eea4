"""Outcomes: what came of a mission's follow-ups and meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from events.access import can_organise, get_mission_for_user

from .. import forms, selectors, services
from ..access import get_followup_for_user, get_outcome_for_user


def _outcome_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["description"] = data.get("description") or ""
    return data


@login_required
def mission_outcomes(request, mission_pk):
    mission = get_mission_for_user(request.user, mission_pk, organise=True)
    return render(
        request,
        "followups/mission_outcomes.html",
        {"mission": mission, "outcomes": selectors.mission_outcomes(mission=mission)},
    )


@login_required
def outcome_create(request, mission_pk):
    mission = get_mission_for_user(request.user, mission_pk, organise=True)
    form = forms.OutcomeForm(request.POST or None, mission=mission)
    if request.method == "POST" and form.is_valid():
        outcome = services.outcome_create(mission=mission, acting_user=request.user, **_outcome_data(form))
        messages.success(request, f"Outcome recorded: “{outcome.title}”.")
        return redirect("followups:mission-outcomes", mission_pk=mission.pk)
    return render(request, "followups/outcome_form.html", {"mission": mission, "form": form, "followup": None})


@login_required
def followup_outcome(request, pk):
    """Record an outcome from a follow-up, and mark it done in the same step."""
    followup = get_followup_for_user(request.user, pk)
    mission = followup.mission
    initial = {"title": followup.title} if request.method == "GET" else None
    form = forms.OutcomeForm(request.POST or None, initial=initial, mission=mission, with_meeting=False)
    if followup.meeting_id and request.method == "GET":
        form.initial["organisations"] = list(followup.meeting.counterpart_organisations.values_list("pk", flat=True))
    mark_done = request.POST.get("mark_done") == "on" if request.method == "POST" else True
    if request.method == "POST" and form.is_valid():
        outcome = services.outcome_create(
            mission=mission, acting_user=request.user, followup=followup, **_outcome_data(form)
        )
        if mark_done and followup.status == followup.Status.OPEN:
            services.followup_complete(
                followup=followup,
                acting_user=request.user,
                note=request.POST.get("note", "").strip() or f"Outcome: {outcome.title}",
            )
            messages.success(request, f"Done, with an outcome recorded: “{outcome.title}”.")
        else:
            messages.success(request, f"Outcome recorded: “{outcome.title}”.")
        if can_organise(request.user, mission):
            return redirect("followups:mission-outcomes", mission_pk=mission.pk)
        return redirect("followups:followup-detail", pk=followup.pk)
    return render(
        request,
        "followups/outcome_form.html",
        {
            "mission": mission,
            "form": form,
            "followup": followup,
            "mark_done": mark_done,
            "note": request.POST.get("note", ""),
        },
    )


@login_required
def outcome_edit(request, pk):
    outcome = get_outcome_for_user(request.user, pk)
    form = forms.OutcomeForm(
        request.POST or None, instance=outcome, mission=outcome.mission, with_meeting=outcome.followup_id is None
    )
    if request.method == "POST" and form.is_valid():
        data = _outcome_data(form)
        organisations = data.pop("organisations")
        services.outcome_update(outcome=outcome, acting_user=request.user, organisations=organisations, **data)
        messages.success(request, f"Outcome saved: “{outcome.title}”.")
        if can_organise(request.user, outcome.mission):
            return redirect("followups:mission-outcomes", mission_pk=outcome.mission_id)
        return redirect(reverse("followups:followup-detail", args=[outcome.followup_id]))
    return render(
        request,
        "followups/outcome_form.html",
        {"mission": outcome.mission, "form": form, "followup": outcome.followup, "outcome": outcome},
    )
