"""The manager's user-account pages: list, add, change role or deactivate, send a set-password link."""

from smtplib import SMTPException

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import accounts
from ..access import get_account_for_manager, require_manager
from ..account_forms import UserAccountForm, UserCreateForm, UserFilterForm

PAGE_SIZE = 50


@login_required
def user_list(request):
    require_manager(request.user)
    filters = UserFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    if filters.is_bound and filters.errors:
        messages.warning(request, "Some filters were not understood and were ignored.")
    users = accounts.user_list(
        q=criteria.get("q", ""), role=criteria.get("role", ""), status=criteria.get("status", "")
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/users/list.html", {"filters": filters, "page": page, "users": page.object_list})


@login_required
def user_create(request):
    require_manager(request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.user_create(created_by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _send_link(request, account)
            return redirect("users:detail", pk=account.pk)
    return render(request, "events/users/create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def user_detail(request, pk):
    require_manager(request.user)
    account = get_account_for_manager(request.user, pk)
    form = UserAccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            changed = accounts.user_update(account=account, changed_by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                labels = ", ".join(str(form[name].label).lower() for name in changed)
                messages.success(request, f"Saved {account}: {labels} changed.")
            else:
                messages.info(request, "Nothing to save: no field was changed.")
            return redirect("users:detail", pk=account.pk)
    if form.is_bound:
        account.refresh_from_db()  # the heading shows the saved account, not the unsaved values
    return render(
        request,
        "events/users/detail.html",
        {
            "account": account,
            "form": form,
            "delegates": accounts.user_missions(account),
            "person": getattr(account, "person", None),
        },
        status=400 if form.errors else 200,
    )


def _send_link(request, account) -> None:
    try:
        result = accounts.send_password_link(account=account, sent_by=request.user)
    except (SMTPException, OSError):
        messages.error(request, f"The email to {account.email} could not be sent; try again in a few minutes.")
        return
    if result.sent:
        messages.success(request, f"A link to choose a password was emailed to {account.email}.")
    else:
        messages.warning(request, f"No email was sent: {result.reason}")


@login_required
@require_POST
def user_send_link(request, pk):
    require_manager(request.user)
    account = get_account_for_manager(request.user, pk)
    _send_link(request, account)
    return redirect("users:detail", pk=account.pk)
