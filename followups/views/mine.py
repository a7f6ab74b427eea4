from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

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
    return render(request, "followups/my_followups.html", buckets_context(request))
