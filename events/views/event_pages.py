"""Events of a mission: their page, and create/edit for the mission's organisers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import selectors, services
from ..access import can_organise, get_event_for_user, get_mission_for_user
from ..forms import EventForm


@login_required
def event_detail(request, pk):
    event = selectors.event_detail(event=get_event_for_user(request.user, pk))
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "mission": event.mission, "can_organise": can_organise(request.user, event.mission)},
    )


def _warn(request, form):
    for warning in form.warnings:
        messages.warning(request, warning)


@login_required
def event_create(request, pk):
    mission = get_mission_for_user(request.user, pk, organise=True)
    form = EventForm(request.POST if request.method == "POST" else None, mission=mission)
    if request.method == "POST" and form.is_valid():
        event = services.event_create(mission=mission, created_by=request.user, **form.service_kwargs())
        messages.success(request, f"Event “{event.title}” added to the agenda.")
        _warn(request, form)
        return redirect("events:event-detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "mission": mission, "event": None})


@login_required
def event_edit(request, pk):
    event = get_event_for_user(request.user, pk, organise=True)
    form = EventForm(request.POST if request.method == "POST" else None, instance=event, mission=event.mission)
    if request.method == "POST" and form.is_valid():
        services.event_update(event=event, modified_by=request.user, **form.service_kwargs())
        messages.success(request, "Event saved.")
        _warn(request, form)
        return redirect("events:event-detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "mission": event.mission, "event": event})
