"""Actions on one follow-up: complete, snooze, add a note, reassign, and its page.

Each action is a plain POST form that works without JavaScript (it redirects
back). On "My follow-ups" the same forms post through htmx and get the
refreshed buckets back, so a follow-up moves to Done in place.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import forms, selectors, services
from ..access import can_reassign, get_followup_for_user
from .mine import buckets_context


def _back(request, followup):
    """Where to go after an action: the page it was posted from when that is a
    path on this site, else the follow-up's own page. Decided from the request
    alone, so it can never fail after the change is written."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return reverse("followups:followup-detail", args=[followup.pk])


def _from_my_page(request) -> bool:
    return bool(request.htmx) and request.POST.get("from") == "mine"


def detail_context(request, followup, **bound_forms) -> dict:
    followup = selectors.followup_base_queryset().get(pk=followup.pk)
    meeting_tz = None
    if followup.meeting:
        meeting_tz = followup.meeting.event.time_zone if followup.meeting.event else followup.mission.time_zone
    reassignable = can_reassign(request.user, followup)
    return {
        "followup": followup,
        "meeting_tz": meeting_tz,
        "outcomes": followup.outcomes.prefetch_related("organisations").order_by("-achieved_on"),
        "history": selectors.followup_history(followup=followup),
        "can_reassign": reassignable,
        "complete_form": bound_forms.get("complete") or forms.CompleteForm(),
        "snooze_form": bound_forms.get("snooze")
        or forms.SnoozeForm(initial={"due_on": forms.default_snooze_date(followup)}),
        "note_form": bound_forms.get("note") or forms.NoteForm(),
        "reassign_form": (bound_forms.get("reassign") or forms.ReassignForm(mission=followup.mission))
        if reassignable
        else None,
        "today": timezone.localdate(),
    }


def _failed(request, followup, kind, form, message=None):
    """Show the form again with what the user typed and why it was refused."""
    if message:
        form.add_error(None, message)
        if followup.status != followup.Status.OPEN and not _from_my_page(request):
            messages.error(request, message)  # its form is not on the page of a closed follow-up
    if _from_my_page(request):
        context = buckets_context(request, failed={"pk": followup.pk, "kind": kind, "form": form})
        return render(request, "followups/includes/my_buckets.html", context)
    return render(request, "followups/followup_detail.html", detail_context(request, followup, **{kind: form}))


def _done(request, followup):
    if _from_my_page(request):
        return render(request, "followups/includes/my_buckets.html", buckets_context(request))
    return redirect(_back(request, followup))


@login_required
def followup_detail(request, pk):
    followup = get_followup_for_user(request.user, pk)
    return render(request, "followups/followup_detail.html", detail_context(request, followup))


@login_required
@require_POST
def followup_complete(request, pk):
    followup = get_followup_for_user(request.user, pk)
    form = forms.CompleteForm(request.POST)
    if not form.is_valid():
        return _failed(request, followup, "complete", form)
    try:
        changed = services.followup_complete(
            followup=followup, acting_user=request.user, note=form.cleaned_data["note"]
        )
    except services.FollowUpActionRefused as refusal:
        return _failed(request, followup, "complete", form, str(refusal))
    if changed:
        messages.success(request, f"Done: “{followup.title}”.")
    else:
        messages.info(request, f"“{followup.title}” was already done.")
    return _done(request, followup)


@login_required
@require_POST
def followup_reopen(request, pk):
    followup = get_followup_for_user(request.user, pk)
    try:
        changed = services.followup_reopen(followup=followup, acting_user=request.user)
    except services.FollowUpActionRefused as refusal:
        messages.error(request, f"Nothing was changed: {refusal}")
        return _done(request, followup)
    if changed:
        messages.success(request, f"Reopened “{followup.title}”: due {followup.due_on:%a %-d %b %Y}.")
    else:
        messages.info(request, f"“{followup.title}” was already open.")
    return _done(request, followup)


@login_required
@require_POST
def followup_snooze(request, pk):
    followup = get_followup_for_user(request.user, pk)
    form = forms.SnoozeForm(request.POST)
    if not form.is_valid():
        return _failed(request, followup, "snooze", form)
    try:
        services.followup_snooze(followup=followup, acting_user=request.user, due_on=form.cleaned_data["due_on"])
    except services.FollowUpActionRefused as refusal:
        return _failed(request, followup, "snooze", form, str(refusal))
    messages.success(request, f"Snoozed “{followup.title}” to {followup.due_on:%a %-d %b %Y}.")
    return _done(request, followup)


@login_required
@require_POST
def followup_add_note(request, pk):
    followup = get_followup_for_user(request.user, pk)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.followup_add_note(followup=followup, acting_user=request.user, text=form.cleaned_data["text"])
        except services.FollowUpActionRefused as refusal:
            form.add_error("text", str(refusal))
    if request.htmx and request.POST.get("from") in ("mine", "detail"):
        # Only the thread changes: swap it in place.
        fresh = selectors.followup_base_queryset().get(pk=followup.pk)
        return render(
            request,
            "followups/includes/notes.html",
            {
                "followup": fresh,
                "note_form": form if form.errors else forms.NoteForm(),
                "from_page": request.POST["from"],
            },
        )
    if form.errors:
        return _failed(request, followup, "note", form)
    messages.success(request, "Note added.")
    return redirect(_back(request, followup))


@login_required
def followup_reassign(request, pk):
    followup = get_followup_for_user(request.user, pk, reassign=True)
    form = forms.ReassignForm(request.POST or None, mission=followup.mission)
    if request.method == "POST":
        if not form.is_valid():
            return _failed(request, followup, "reassign", form)
        try:
            changed = services.followup_reassign(
                followup=followup, acting_user=request.user, assignee=form.cleaned_data["assignee"]
            )
        except services.FollowUpActionRefused as refusal:
            return _failed(request, followup, "reassign", form, str(refusal))
        name = form.cleaned_data["assignee"].person.full_name
        if changed:
            messages.success(request, f"Reassigned “{followup.title}” to {name}.")
        else:
            messages.info(request, f"“{followup.title}” was already with {name}.")
        return redirect(_back(request, followup))
    return render(request, "followups/followup_detail.html", detail_context(request, followup, reassign=form))
