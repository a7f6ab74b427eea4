"""A mission's follow-ups, for its organisers: filters, and bulk actions on a selection."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from events.access import get_mission_for_user

from .. import forms, selectors, services
from ..access import followups_for_bulk

PAGE_SIZE = 50


def _list_context(request, mission, params: QueryDict, *, bulk_form=None, selected=()):
    """The list page's context for the filters and page in `params` (the list's own query string,
    also when the page is shown again after a refused bulk action)."""
    today = timezone.localdate()
    filterset = forms.MissionFollowUpFilter(
        params or None, queryset=selectors.mission_followups(mission=mission), mission=mission, today=today
    )
    followups = filterset.qs
    # The page's ids first (a range of the index on the list's order, however deep the page), then those
    # rows in full: with the joins in the same query PostgreSQL would build every row it skips.
    page = Paginator(followups.values_list("pk", flat=True), PAGE_SIZE).get_page(params.get("page"))
    rows = followups.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    query = params.copy()
    query.pop("page", None)
    list_path = reverse("followups:mission-followups", args=[mission.pk])
    return {
        "mission": mission,
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "today": today,
        "bulk_form": bulk_form or forms.BulkActionForm(mission=mission, followup_ids=[], initial={"days": 7}),
        "selected": {str(s) for s in selected},
        "list_path": list_path,
        "list_url": f"{list_path}?{params.urlencode()}" if params else list_path,
    }


@login_required
def mission_followups(request, mission_pk):
    mission = get_mission_for_user(request.user, mission_pk, organise=True)
    return render(request, "followups/mission_followups.html", _list_context(request, mission, request.GET))


@login_required
@require_POST
def mission_followups_bulk(request, mission_pk):
    mission = get_mission_for_user(request.user, mission_pk, organise=True)
    selected_ids = request.POST.getlist("selected")
    chosen = list(followups_for_bulk(request.user, mission, selected_ids).order_by("due_on", "pk"))
    form = forms.BulkActionForm(request.POST, mission=mission, followup_ids=[f.pk for f in chosen])
    # Back to the list as it was filtered: only the list's own path, with its query string.
    list_path = reverse("followups:mission-followups", args=[mission.pk])
    path, _, query = request.POST.get("next", "").partition("?")
    params = QueryDict(query) if path == list_path else QueryDict()
    back = f"{list_path}?{params.urlencode()}" if params else list_path
    if not form.is_valid():
        messages.error(request, "Nothing was changed: " + " ".join(e for errs in form.errors.values() for e in errs))
        return render(
            request,
            "followups/mission_followups.html",
            _list_context(request, mission, params, bulk_form=form, selected=selected_ids),
        )
    data = form.cleaned_data
    try:
        if data["action"] == "complete":
            result = services.followup_bulk_complete(followups=chosen, acting_user=request.user, note=data["note"])
        elif data["action"] == "snooze":
            result = services.followup_bulk_snooze(followups=chosen, acting_user=request.user, days=data["days"])
        else:
            result = services.followup_bulk_reassign(
                followups=chosen, acting_user=request.user, assignee=data["assignee"]
            )
    except services.FollowUpActionRefused as refusal:
        messages.error(request, f"Nothing was changed: {refusal}")
        return redirect(back)
    messages.success(request, result.summary())
    if result.changed:
        messages.info(request, "Changed: " + "; ".join(f"“{f.title}”" for f in result.changed))
    for _followup, reason in result.refused:
        messages.warning(request, f"Not changed: {reason}")
    return redirect(back)
