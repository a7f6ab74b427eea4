from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from events.access import get_mission_for_user

from .. import reminders
from ..models import ReminderEmail


@login_required
def mission_reminders(request, pk):
    """Every reminder email of a mission and its state; failed ones can be sent again."""
    mission = get_mission_for_user(request.user, pk, organise=True)
    rows = reminders.mission_reminder_list(mission=mission)
    counts = {state: 0 for state in ReminderEmail.State.values}
    for row in rows:
        counts[row.state] += 1
    return render(
        request,
        "followups/mission_reminders.html",
        {
            "mission": mission,
            "rows": rows,
            "counts": [(label, counts[value], value) for value, label in ReminderEmail.State.choices],
            "offsets": reminders.reminder_offsets(mission),
            "local_hour": reminders.local_hour(),
        },
    )


@login_required
@require_POST
def reminder_resend(request, pk, reminder_pk):
    mission = get_mission_for_user(request.user, pk, organise=True)
    reminder = reminders.get_reminder_for_mission(mission=mission, pk=reminder_pk)
    try:
        reminders.reminder_resend(reminder=reminder, user=request.user)
    except reminders.ReminderNotFailed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The {reminder.get_kind_display().lower()} will be sent again in a moment.")
    return redirect("followups:mission-reminders", pk=mission.pk)


# No login: the signed token in the link is the authority. GET only shows a button, so
# mail scanners that follow links opt nobody out; POST is also the RFC 8058 one-click
# unsubscribe that mail providers send without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminders_opt_out(request, token):
    person = reminders.person_for_opt_out_token(token)
    if person is None:
        return render(request, "followups/reminders_opt_out.html", {"invalid": True}, status=404)
    done_now = False
    if request.method == "POST":
        done_now = reminders.reminders_opt_out(person=person)
        if not done_now:
            return redirect(request.path)
    return render(request, "followups/reminders_opt_out.html", {"person": person, "done_now": done_now})
