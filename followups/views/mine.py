from django.contrib.auth.decorators import login_required
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from events.access import missions_organised_by

from .. import selectors

# Each open bucket shows its most urgent follow-ups and Done its most recent; "Show all" lifts the caps.
OPEN_BUCKET_LIMIT = 50
DONE_LIMIT = 20
DONE_LIMIT_ALL = 200


def _show_all(request) -> bool:
    # On the page it is in the query string; the action forms carry it so that the refreshed list stays whole.
    return (request.GET.get("all") or request.POST.get("all")) == "1"


def buckets_context(request, *, failed=None) -> dict:
    today = timezone.localdate()
    show_all = _show_all(request)
    mine_url = reverse("followups:my-followups") + ("?all=1" if show_all else "")
    return {
        "buckets": selectors.my_followups(
            user=request.user,
            today=today,
            open_limit=None if show_all else OPEN_BUCKET_LIMIT,
            done_limit=DONE_LIMIT_ALL if show_all else DONE_LIMIT,
        ),
        "show_all": show_all,
        "today": today,
        "today_iso": today.isoformat(),
        "failed": failed or {},
        "from_page": "mine",
        "mine_url": mine_url,
        # The hidden fields of every action form on the page, rendered once rather than per row.
        "hidden_fields": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="from" value="mine">'
            '<input type="hidden" name="next" value="{}">{}',
            get_token(request),
            mine_url,
            format_html('<input type="hidden" name="all" value="{}">', 1) if show_all else "",
        ),
    }


@login_required
def my_followups(request):
    context = buckets_context(request)
    # Organisers (and managers) also reach every follow-up of the missions they run from here.
    context["organised_missions"] = list(missions_organised_by(request.user).only("pk", "title")[:20])
    return render(request, "followups/my_followups.html", context)
