from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static

from events.access import navigation_role


@login_required
def home(request):
    """Each role lands where its work is: managers and organisers on missions,
    delegates on their follow-ups."""
    if navigation_role(request.user) in ("manager", "organiser"):
        return redirect("events:mission-list")
    return redirect("followups:my-followups")


def csrf_failure(request, reason=""):
    """A refused form post (usually an expired page or cookies turned off), in our layout."""
    return render(request, "403_csrf.html", status=403)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page names: send them to the icon."""
    return redirect(static("favicon.svg"), permanent=True)
