"""Missions: the list, the page with its agenda and roster summary, create and edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import selectors, services
from ..access import can_create_mission, can_organise, get_mission_for_user
from ..forms import MissionFilterForm, MissionForm

MISSIONS_PER_PAGE = 25


@login_required
def mission_list(request):
    filters = MissionFilterForm(request.GET or None, years=selectors.mission_years(user=request.user))
    chosen = {}
    if filters.is_bound:
        if not filters.is_valid():
            messages.warning(request, "Some filters were not understood and were ignored.")
        chosen = {k: v for k, v in filters.cleaned_data.items() if v}
    missions = selectors.mission_list(
        user=request.user,
        today=timezone.localdate(),
        status=chosen.get("status"),
        year=chosen.get("year"),
        q=chosen.get("q", ""),
    )
    # get_page: a page number that is not a number gives the first page, one past the end the last.
    page = Paginator(missions, MISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/mission_list.html",
        {
            "page": page,
            "missions": page.object_list,
            "filters": filters,
            "filtered": bool(chosen),
            "can_create": can_create_mission(request.user),
        },
    )


@login_required
def mission_create(request):
    if not can_create_mission(request.user):
        raise PermissionDenied("Only managers and organisers can create missions.")
    form = MissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        mission = services.mission_create(created_by=request.user, **form.cleaned_data)
        messages.success(request, f"Mission “{mission.title}” created. Add its events and delegates next.")
        return redirect("events:mission-detail", pk=mission.pk)
    return render(request, "events/mission_form.html", {"form": form, "mission": None})


@login_required
def mission_edit(request, pk):
    mission = get_mission_for_user(request.user, pk, organise=True)
    form = MissionForm(request.POST if request.method == "POST" else None, instance=mission)
    if request.method == "POST" and form.is_valid():
        services.mission_update(mission=mission, modified_by=request.user, **form.cleaned_data)
        messages.success(request, "Mission saved.")
        return redirect("events:mission-detail", pk=mission.pk)
    return render(request, "events/mission_form.html", {"form": form, "mission": mission})


@login_required
def mission_detail(request, pk):
    mission = get_mission_for_user(request.user, pk)
    delegates = list(selectors.delegate_list(mission=mission))
    return render(
        request,
        "events/mission_detail.html",
        {
            "mission": mission,
            "agenda": selectors.agenda_by_day(mission=mission),
            "delegates": delegates,
            "role_summary": selectors.role_summary(delegates),
            "can_organise": can_organise(request.user, mission),
        },
    )
