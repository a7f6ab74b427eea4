from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..access import get_user_by_calendar_token
from ..calendar import build_calendar


@login_required
def calendar_settings(request):
    feed_url = request.build_absolute_uri(reverse("followups:calendar-feed", args=[request.user.calendar_token]))
    return render(
        request,
        "followups/calendar_settings.html",
        {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]},
    )


@login_required
@require_POST
def calendar_reset(request):
    services.calendar_token_reset(user=request.user)
    messages.success(
        request, "Your calendar link has been reset. The old link no longer works: subscribe again with the new one."
    )
    return redirect("followups:calendar-settings")


@require_GET
def calendar_feed(request, token):
    """The private feed: no session, the token is the key (404 if unknown or revoked)."""
    user = get_user_by_calendar_token(token)
    body = build_calendar(user=user, items=selectors.calendar_items(user=user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="delegation-crm.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
