"""The delegate roster of a mission, managed by its organisers: add, change role,
remove, link an account, invite by email; and the page an invitee lands on."""

from smtplib import SMTPException

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from .. import selectors, services
from ..access import get_delegate_for_user, get_mission_for_user
from ..forms import DelegateAddForm, DelegateRoleForm, InviteForm, LinkUserForm


def _roster_url(mission):
    return redirect("events:delegate-list", pk=mission.pk)


@login_required
def delegate_list(request, pk):
    mission = get_mission_for_user(request.user, pk, organise=True)
    delegates = list(selectors.roster(mission=mission))
    return render(
        request,
        "events/roster.html",
        {
            "mission": mission,
            "delegates": delegates,
            "role_summary": selectors.role_summary(delegates),
            "role_choices": DelegateRoleForm.base_fields["role"].choices,
        },
    )


@login_required
def delegate_add(request, pk):
    mission = get_mission_for_user(request.user, pk, organise=True)
    form = DelegateAddForm(request.POST if request.method == "POST" else None, mission=mission)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["who"] == form.EXISTING:
                delegate = services.delegate_add(
                    mission=mission, person=data["person"], role=data["role"], added_by=request.user
                )
            else:
                delegate = services.delegate_add_new_person(
                    mission=mission,
                    added_by=request.user,
                    given_name=data["given_name"].strip(),
                    family_name=data["family_name"].strip(),
                    email=data["email"],
                    organisation=data["organisation"],
                    job_title=data["job_title"].strip(),
                    role=data["role"],
                )
        except ValidationError as error:
            form.add_error("person" if data["who"] == form.EXISTING else None, error)
        else:
            messages.success(request, f"{delegate.person.full_name} added as {delegate.get_role_display().lower()}.")
            if "add_another" in request.POST:
                return redirect("events:delegate-add", pk=mission.pk)
            return _roster_url(mission)
    return render(request, "events/delegate_add.html", {"form": form, "mission": mission})


@login_required
def delegate_role(request, pk):
    delegate = get_delegate_for_user(request.user, pk)
    form = DelegateRoleForm(request.POST if request.method == "POST" else None, instance=delegate)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegate_change_role(delegate=delegate, role=form.cleaned_data["role"], modified_by=request.user)
        except ValidationError as error:
            form.add_error("role", error)
            delegate.refresh_from_db(fields=["role"])
        else:
            messages.success(request, f"{delegate.person.full_name} is now {delegate.get_role_display().lower()}.")
            return _roster_url(delegate.mission)
    return render(
        request, "events/delegate_role.html", {"form": form, "delegate": delegate, "mission": delegate.mission}
    )


@login_required
def delegate_remove(request, pk):
    delegate = get_delegate_for_user(request.user, pk)
    blockers = services.delegate_removal_blockers(delegate)
    error = None
    if request.method == "POST":
        try:
            services.delegate_remove(delegate=delegate, removed_by=request.user)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, f"{delegate.person.full_name} was taken off the mission.")
            return _roster_url(delegate.mission)
    return render(
        request,
        "events/delegate_remove.html",
        {"delegate": delegate, "mission": delegate.mission, "blockers": blockers, "error": error},
        status=409 if error else 200,
    )


@login_required
def delegate_link_user(request, pk):
    delegate = get_delegate_for_user(request.user, pk)
    person = delegate.person
    linkable = services.users_linkable_to(person)
    form = LinkUserForm(
        request.POST if request.method == "POST" else None, queryset=linkable, initial={"user": person.user}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.delegate_link_user(delegate=delegate, user=form.cleaned_data["user"], modified_by=request.user)
        except ValidationError as error:
            form.add_error("user", error)
        else:
            messages.success(request, f"{person.full_name} now signs in as {form.cleaned_data['user'].username}.")
            return _roster_url(delegate.mission)
    return render(
        request, "events/delegate_link_user.html", {"form": form, "delegate": delegate, "mission": delegate.mission}
    )


@login_required
def delegate_invite(request, pk):
    delegate = get_delegate_for_user(request.user, pk)
    person = delegate.person
    form = InviteForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.delegate_invite(
                delegate=delegate, invited_by=request.user, email=form.cleaned_data.get("email", "")
            )
        except ValidationError as error:
            form.add_error(None, error)
        except (SMTPException, OSError):
            # the account exists (committed before sending); sending again reuses it
            form.add_error(None, "The invitation email could not be sent just now. Please try again in a minute.")
        else:
            if invitation.sent:
                messages.success(
                    request,
                    f"Invitation sent to {person.email}: {person.full_name} will choose a password and sign in "
                    f"as {invitation.user.username}.",
                )
            else:
                messages.info(
                    request,
                    f"{person.full_name} already has an account ({invitation.user.username}) and can sign in; "
                    "it is now linked to them, no email was sent.",
                )
            return _roster_url(delegate.mission)
    return render(
        request, "events/delegate_invite.html", {"form": form, "delegate": delegate, "mission": delegate.mission}
    )


class InviteAcceptView(PasswordResetConfirmView):
    """The link in an invitation: choose a password, then land signed in on your own page.

    Django's password-reset confirmation, with the wording of a welcome; the token is the
    same one-use, time-limited token."""

    template_name = "events/invite_accept.html"
    success_url = reverse_lazy("home")
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Welcome! Your password is set and you are signed in.")
        return response


invite_accept = InviteAcceptView.as_view()
