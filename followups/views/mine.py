from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from events.access import missions_organised_by

from .. import selectors


def buckets_context(request, *, failed=None) -> dict:
    today = timezone.localdate()
    return {
        "buckets": selectors.my_followups(user=request.user, today=today),
        "today": today,
        "failed": failed or {},
        "from_page": "mine",
    }


@login_required
def my_followups(request):
    context = buckets_context(request)
    # Organisers (and managers) also reach every follow-up of the missions they run from here.
    context["organised_missions"] = list(missions_organised_by(request.user).only("pk", "title")[:20])
    return render(request, "followups/my_followups.html", context)
