from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .. import selectors


@login_required
def my_followups(request):
    buckets = selectors.my_followups(user=request.user, today=timezone.localdate())
    return render(request, "followups/my_followups.html", {"buckets": buckets})
