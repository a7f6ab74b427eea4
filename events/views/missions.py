from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors
from ..access import can_organise, get_mission_for_user


@login_required
def mission_list(request):
    missions = selectors.mission_list(user=request.user)
    return render(request, "events/mission_list.html", {"missions": missions})


@login_required
def mission_detail(request, pk):
    mission = get_mission_for_user(request.user, pk)
    return render(
        request,
        "events/mission_detail.html",
        {
            "mission": mission,
            "agenda": selectors.agenda_by_day(mission=mission),
            "delegates": selectors.delegate_list(mission=mission),
            "can_organise": can_organise(request.user, mission),
        },
    )
