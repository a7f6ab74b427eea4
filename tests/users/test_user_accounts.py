"""The manager's user-account pages: find people, change their account role, deactivate,
add an account and email a set-password link."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import User

from ..conftest import PASSWORD
from ..factories import UserFactory


@pytest.fixture
def manager(client, world):
    assert client.login(username="mary", password=PASSWORD)
    return client


def detail_data(account, **changes):
    data = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": account.role,
        "time_zone": account.time_zone,
        "is_active": "on" if account.is_active else "",
    }
    return {**data, **changes}


def test_the_list_shows_accounts_with_their_role_and_missions_and_filters_them(manager, world):
    html = manager.get(reverse("users:list")).content.decode()
    for username in ("alice", "dave", "erin", "oliver", "mary"):
        assert username in html
    managers = manager.get(reverse("users:list"), {"role": "manager"}).content.decode()
    assert "mary" in managers and "dave" not in managers
    found = manager.get(reverse("users:list"), {"q": world.dave.email.upper()}).content.decode()
    assert "dave" in found and "alice" not in found
    alice_url = reverse("users:detail", args=[world.alice.pk])
    row = re.search(f'href="{alice_url}".*?</tr>', html, re.S).group(0)
    assert "Organiser" in row and '<td class="d-none d-sm-table-cell">1</td>' in row  # one mission


@pytest.mark.parametrize("query", [{"role": "emperor"}, {"status": "<script>"}, {"page": "abc"}, {"page": "999"}])
def test_bad_query_strings_give_the_list_not_an_error(manager, query):
    response = manager.get(reverse("users:list"), query)
    assert response.status_code == 200
    if "page" not in query:
        assert "Some filters were not understood" in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_more_users(manager, world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager.get(reverse("users:list")).status_code == 200
        return len(queries)

    few = count()
    UserFactory.create_batch(30)
    assert count() == few


def test_a_manager_changes_an_accounts_role(manager, world):
    dave = world.dave
    response = manager.post(reverse("users:detail", args=[dave.pk]), detail_data(dave, role="organiser"))
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.role == User.Role.ORGANISER
    page = manager.get(response.url).content.decode()
    assert "account role changed" in page.lower()


def test_a_manager_cannot_demote_or_deactivate_themselves(manager, world):
    mary = world.mary
    for changes in ({"role": "delegate"}, {"is_active": ""}):
        response = manager.post(reverse("users:detail", args=[mary.pk]), detail_data(mary, **changes))
        assert response.status_code == 400
        assert "You cannot take away your own manager role" in response.content.decode()
    mary.refresh_from_db()
    assert mary.role == User.Role.MANAGER and mary.is_active


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(manager, world):
    daves_browser = Client()
    assert daves_browser.login(username="dave", password=PASSWORD)
    assert daves_browser.get(reverse("followups:my-followups")).status_code == 200

    response = manager.post(reverse("users:detail", args=[world.dave.pk]), detail_data(world.dave, is_active=""))
    assert response.status_code == 302
    assert "/accounts/login/" in daves_browser.get(reverse("followups:my-followups")).url
    assert not Client().login(username="dave", password=PASSWORD)
    assert "Deactivated" in manager.get(reverse("users:list")).content.decode()


def test_an_email_taken_by_another_account_is_refused(manager, world):
    response = manager.post(
        reverse("users:detail", args=[world.dave.pk]), detail_data(world.dave, email=world.alice.email.upper())
    )
    assert response.status_code == 400
    assert "Another account already has this email address." in response.content.decode()
    world.dave.refresh_from_db()
    assert world.dave.email != world.alice.email


def test_a_new_account_gets_a_link_to_choose_a_password(manager, world, client):
    data = {"first_name": "Kenji", "last_name": "Mori", "email": "kenji.mori@example.jp", "role": "organiser",
            "time_zone": "Asia/Tokyo"}  # fmt: skip
    response = manager.post(reverse("users:create"), data)
    assert response.status_code == 302
    account = User.objects.get(email="kenji.mori@example.jp")
    assert account.role == User.Role.ORGANISER and not account.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kenji.mori@example.jp"]
    assert mail.outbox[0].subject == "Your Delegation CRM account"
    assert account.username in mail.outbox[0].body
    link = re.search(r"https?://\S+/welcome/\S+/", mail.outbox[0].body).group(0)

    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0] if form.redirect_chain else "/" + path,
                       {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"})  # fmt: skip
    assert done.status_code == 302
    client.logout()
    assert client.login(username=account.username, password="a-long-new-passphrase")


def test_a_second_account_with_the_same_email_is_refused(manager, world):
    data = {"first_name": "D", "last_name": "Copy", "email": world.dave.email.upper(), "role": "delegate",
            "time_zone": "Europe/London"}  # fmt: skip
    response = manager.post(reverse("users:create"), data)
    assert response.status_code == 400
    assert "Another account already has this email address." in response.content.decode()
    assert User.objects.filter(email__iexact=world.dave.email).count() == 1
    assert not mail.outbox


def test_no_link_is_emailed_to_someone_marked_do_not_contact(manager, world):
    person = world.dave_delegate.person
    person.do_not_contact = True
    person.save()
    response = manager.post(reverse("users:send-link", args=[world.dave.pk]), follow=True)
    assert "No email was sent" in response.content.decode()
    assert not mail.outbox

    manager.post(reverse("users:send-link", args=[world.alice.pk]))
    assert [m.to for m in mail.outbox] == [[world.alice.email]]
    assert "new password" in mail.outbox[0].subject


def test_the_users_page_is_in_the_managers_navigation_only(client, world):
    client.login(username="mary", password=PASSWORD)
    assert reverse("users:list") in client.get(reverse("followups:my-followups")).content.decode()
    client.login(username="alice", password=PASSWORD)
    assert reverse("users:list") not in client.get(reverse("followups:my-followups")).content.decode()


def test_the_list_pages_and_keeps_the_filters(manager, world):
    UserFactory.create_batch(60, role=User.Role.DELEGATE)
    first = manager.get(reverse("users:list"), {"role": "delegate"}).content.decode()
    assert "Page 1 of 2" in first
    assert "?role=delegate&amp;page=2" in first
    second = manager.get(reverse("users:list"), {"role": "delegate", "page": 2}).content.decode()
    assert "Page 2 of 2" in second
    assert reverse("users:detail", args=[world.mary.pk]) not in first + second  # a manager, not a delegate


def test_only_a_superuser_changes_an_administrators_account(manager, world, client):
    """Otherwise a manager could point a superuser's email at themselves and reset its password."""
    root = User.objects.create_superuser("root", "root@example.org", "a-long-root-passphrase")
    staff = UserFactory(username="staffer", is_staff=True)
    for account in (root, staff):
        assert manager.get(reverse("users:detail", args=[account.pk])).status_code == 403
        response = manager.post(reverse("users:detail", args=[account.pk]), detail_data(account, email="me@x.org"))
        assert response.status_code == 403
        assert manager.post(reverse("users:send-link", args=[account.pk])).status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.org" and not mail.outbox

    superuser_client = Client()
    superuser_client.force_login(root)
    assert superuser_client.get(reverse("users:detail", args=[staff.pk])).status_code == 200
