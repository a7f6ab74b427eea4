"""Managing a mission's delegates: add, change role, remove, link an account, invite by email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from contacts.models import Person, User
from events import services
from events.models import Delegate

from ..conftest import PASSWORD
from ..factories import (
    DelegateFactory,
    FollowUpFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)


def roster_url(mission):
    return reverse("events:delegate-list", args=[mission.pk])


def add_url(mission):
    return reverse("events:delegate-add", args=[mission.pk])


def test_roster_lists_people_with_their_account_state(as_user, world):
    stranger = DelegateFactory(mission=world.mission_a, person__family_name="Okafor")
    page = as_user(world.alice).get(roster_url(world.mission_a)).content.decode()
    assert "Okafor" in page and world.dave.person.family_name in page
    assert f"Signs in as {world.dave.username}" in page
    assert reverse("events:delegate-invite", args=[stranger.pk]) in page
    assert world.erin.person.family_name not in page


def test_add_an_existing_person(as_user, world):
    person = PersonFactory(family_name="Ces")
    response = as_user(world.alice).post(
        add_url(world.mission_a), {"who": "existing", "person": person.pk, "role": "speaker"}
    )
    assert response.status_code == 302
    delegate = world.mission_a.delegates.get(person=person)
    assert delegate.role == Delegate.Role.SPEAKER and delegate.created_by == world.alice


def test_adding_someone_twice_is_a_form_error(as_user, world):
    response = as_user(world.alice).post(
        add_url(world.mission_a), {"who": "existing", "person": world.dave.person.pk, "role": "delegate"}
    )
    assert response.status_code == 200
    assert f"{world.dave.person.full_name} is already on this mission." in response.content.decode()
    assert world.mission_a.delegates.filter(person=world.dave.person).count() == 1


def test_the_service_refuses_a_duplicate_even_past_the_form(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already on this mission"):
        services.delegate_add(mission=world.mission_a, person=world.dave.person, role="delegate", added_by=world.alice)


def test_add_a_new_person(as_user, world):
    org = OrganisationFactory(name="Imperial College London")
    response = as_user(world.alice).post(
        add_url(world.mission_a),
        {
            "who": "new",
            "given_name": "Oscar",
            "family_name": "Ces",
            "organisation": org.pk,
            "email": "o.ces@example.org",
            "role": "delegate",
            "add_another": "1",
        },
    )
    assert response.status_code == 302 and response.url == add_url(world.mission_a)
    person = Person.objects.get(family_name="Ces")
    assert (person.organisation, person.email, person.created_by) == (org, "o.ces@example.org", world.alice)
    assert world.mission_a.delegates.filter(person=person).exists()


def test_a_new_person_with_a_known_email_is_refused(as_user, world):
    response = as_user(world.alice).post(
        add_url(world.mission_a),
        {"who": "new", "family_name": "Dup", "email": world.erin.person.email.upper(), "role": "delegate"},
    )
    assert response.status_code == 200
    assert "choose them under “Someone we already know”" in response.content.decode()
    assert not Person.objects.filter(family_name="Dup").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"who": "existing"},
        {"who": "existing", "person": "abc", "role": "delegate"},
        {"who": "existing", "person": "99999999999999999999", "role": "delegate"},
        {"who": "new", "given_name": "No family name", "role": "delegate"},
        {"who": "new", "family_name": "X", "email": "not-an-email", "role": "delegate"},
        {"who": "sideways", "family_name": "X", "role": "delegate"},
        {"who": "new", "family_name": "X", "role": "emperor"},
    ],
)
def test_bad_add_input_is_a_form_error(as_user, world, data):
    before = Delegate.objects.count()
    response = as_user(world.alice).post(add_url(world.mission_a), data)
    assert response.status_code == 200
    assert Delegate.objects.count() == before


def test_change_role(as_user, world):
    response = as_user(world.alice).post(
        reverse("events:delegate-role", args=[world.dave_delegate.pk]), {"role": "organiser"}
    )
    assert response.status_code == 302
    world.dave_delegate.refresh_from_db()
    assert world.dave_delegate.role == Delegate.Role.ORGANISER
    # dave now organises mission A
    assert as_user(world.dave).get(roster_url(world.mission_a)).status_code == 200


def test_the_last_organiser_cannot_step_down(as_user, world):
    alice_delegate = world.mission_a.delegates.get(person__user=world.alice)
    response = as_user(world.alice).post(
        reverse("events:delegate-role", args=[alice_delegate.pk]), {"role": "delegate"}
    )
    assert response.status_code == 200
    assert "the mission&#x27;s only organiser" in response.content.decode()
    alice_delegate.refresh_from_db()
    assert alice_delegate.role == Delegate.Role.ORGANISER


def test_bad_role_is_a_form_error(as_user, world):
    response = as_user(world.alice).post(reverse("events:delegate-role", args=[world.dave_delegate.pk]), {"role": "x"})
    assert response.status_code == 200
    world.dave_delegate.refresh_from_db()
    assert world.dave_delegate.role == Delegate.Role.DELEGATE


def test_remove_a_delegate(as_user, world):
    delegate = DelegateFactory(mission=world.mission_a)
    url = reverse("events:delegate-remove", args=[delegate.pk])
    assert "Remove from the mission" in as_user(world.alice).get(url).content.decode()
    response = as_user(world.alice).post(url)
    assert response.status_code == 302
    assert not Delegate.objects.filter(pk=delegate.pk).exists()
    assert Person.objects.filter(pk=delegate.person_id).exists()  # the contact stays


@pytest.mark.parametrize("named_in", ["meeting", "followup"])
def test_a_delegate_with_meetings_or_followups_cannot_be_removed(as_user, world, named_in):
    if named_in == "meeting":
        MeetingFactory(mission=world.mission_a).delegates.add(world.dave_delegate)
        what = "1 partnering meeting"
    else:
        FollowUpFactory(assignee=world.dave_delegate)
        what = "1 follow-up"
    url = reverse("events:delegate-remove", args=[world.dave_delegate.pk])
    page = as_user(world.alice).get(url).content.decode()
    assert f"cannot be removed: they are named in {what}" in page
    response = as_user(world.alice).post(url)
    assert response.status_code == 409
    assert "Reassign or delete those first." in response.content.decode()
    assert Delegate.objects.filter(pk=world.dave_delegate.pk).exists()


def test_link_an_existing_account(as_user, world):
    delegate = DelegateFactory(mission=world.mission_a, person__user=None)
    account = UserFactory(username="okafor")
    url = reverse("events:delegate-link-user", args=[delegate.pk])
    page = as_user(world.alice).get(url).content.decode()
    assert "okafor" in page and f">{world.dave.username} ·" not in page  # dave's account is taken
    assert as_user(world.alice).post(url, {"user": account.pk}).status_code == 302
    delegate.person.refresh_from_db()
    assert delegate.person.user == account
    assert as_user(account).get(reverse("events:mission-detail", args=[world.mission_a.pk])).status_code == 200


def test_linking_an_account_that_belongs_to_someone_else_is_refused(as_user, world):
    delegate = DelegateFactory(mission=world.mission_a, person__user=None)
    response = as_user(world.alice).post(
        reverse("events:delegate-link-user", args=[delegate.pk]), {"user": world.erin.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    delegate.person.refresh_from_db()
    assert delegate.person.user is None


def invitation_link(message):
    return re.search(r"https?://[^/\s]+(/missions/welcome/\S+)", message.body).group(1)


def test_invite_by_email_creates_an_account_and_a_working_link(client, as_user, world, settings):
    settings.SITE_URL = "https://crm.example.org"
    delegate = DelegateFactory(
        mission=world.mission_a,
        person__given_name="Oscar",
        person__family_name="Ces",
        person__email="Oscar.Ces@example.org",
        person__user=None,
    )
    response = as_user(world.alice).post(reverse("events:delegate-invite", args=[delegate.pk]))
    assert response.status_code == 302
    user = User.objects.get(person=delegate.person)
    assert user.role == User.Role.DELEGATE and not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Oscar.Ces@example.org"]
    assert world.mission_a.title in message.subject
    assert "https://crm.example.org/missions/welcome/" in message.body
    assert f"Your username is: {user.username}" in message.body

    client.logout()
    form_page = client.get(invitation_link(message), follow=True)
    assert "Welcome to Delegation CRM" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "tokyo-yokohama-2026", "new_password2": "tokyo-yokohama-2026"})
    assert response.status_code == 302
    # signed in straight away, and the mission is theirs to see
    assert client.get(reverse("events:mission-detail", args=[world.mission_a.pk])).status_code == 200
    client.logout()
    assert client.login(username=user.username, password="tokyo-yokohama-2026")
    # the link works once
    client.logout()
    assert "This invitation link no longer works" in client.get(invitation_link(message), follow=True).content.decode()


def test_resending_an_invitation_reuses_the_account(as_user, world):
    delegate = DelegateFactory(mission=world.mission_a, person__user=None)
    url = reverse("events:delegate-invite", args=[delegate.pk])
    as_user(world.alice).post(url)
    as_user(world.alice).post(url)
    assert User.objects.filter(email__iexact=delegate.person.email).count() == 1
    assert len(mail.outbox) == 2


def test_inviting_someone_who_can_already_sign_in_sends_nothing(as_user, world):
    account = UserFactory(email="known@example.org")
    delegate = DelegateFactory(mission=world.mission_a, person__email="known@example.org", person__user=None)
    response = as_user(world.alice).post(reverse("events:delegate-invite", args=[delegate.pk]), follow=True)
    assert "already has an account" in response.content.decode()
    delegate.person.refresh_from_db()
    assert delegate.person.user == account
    assert mail.outbox == []


def test_invite_asks_for_an_email_when_the_person_has_none(as_user, world):
    delegate = DelegateFactory(mission=world.mission_a, person__email="", person__user=None)
    url = reverse("events:delegate-invite", args=[delegate.pk])
    response = as_user(world.alice).post(url, {"email": "not an email"})
    assert response.status_code == 200 and mail.outbox == []
    assert as_user(world.alice).post(url, {"email": "new@example.org"}).status_code == 302
    assert mail.outbox[0].to == ["new@example.org"]


def test_do_not_contact_is_never_invited(as_user, world):
    delegate = DelegateFactory(mission=world.mission_a, person__do_not_contact=True, person__user=None)
    response = as_user(world.alice).post(reverse("events:delegate-invite", args=[delegate.pk]))
    assert response.status_code == 200
    assert "do not contact" in response.content.decode()
    assert mail.outbox == [] and not User.objects.filter(email=delegate.person.email).exists()


def test_a_bad_invitation_link_says_so(client, db):
    response = client.get("/missions/welcome/XYZ/not-a-token/", follow=True)
    assert response.status_code == 200
    assert "This invitation link no longer works" in response.content.decode()


ROSTER_VIEWS = ["events:delegate-role", "events:delegate-remove", "events:delegate-link-user", "events:delegate-invite"]


@pytest.mark.parametrize("name", ROSTER_VIEWS)
@pytest.mark.parametrize(("persona", "status"), [("dave", 403), ("erin", 404), ("oliver", 404), ("nobody", 404)])
def test_only_the_missions_organisers_manage_its_delegates(as_user, world, name, persona, status):
    client = as_user(getattr(world, persona))
    url = reverse(name, args=[world.dave_delegate.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"role": "lead", "user": world.erin.pk}).status_code == status
    world.dave_delegate.refresh_from_db()
    assert world.dave_delegate.role == Delegate.Role.DELEGATE
    assert mail.outbox == []


@pytest.mark.parametrize(("persona", "status"), [("dave", 403), ("erin", 404), ("oliver", 404)])
def test_roster_and_add_pages_by_mission_id(as_user, world, persona, status):
    client = as_user(getattr(world, persona))
    assert client.get(roster_url(world.mission_a)).status_code == status
    response = client.post(add_url(world.mission_a), {"who": "new", "family_name": "Sneaky", "role": "lead"})
    assert response.status_code == status
    assert not Person.objects.filter(family_name="Sneaky").exists()


def test_organiser_of_b_cannot_touch_a_delegate_of_a_by_id(as_user, world):
    # oliver organises B; dave's delegate row is on A
    client = as_user(world.oliver)
    assert client.post(reverse("events:delegate-remove", args=[world.dave_delegate.pk])).status_code == 404
    assert Delegate.objects.filter(pk=world.dave_delegate.pk).exists()


def test_password_is_never_in_the_email(world, as_user):
    delegate = DelegateFactory(mission=world.mission_a, person__user=None)
    as_user(world.alice).post(reverse("events:delegate-invite", args=[delegate.pk]))
    assert PASSWORD not in mail.outbox[0].body


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_invitation_through_a_real_smtp_server(as_user, world, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        delegate = DelegateFactory(mission=world.mission_a, person__user=None, person__email="ken.mori@example.org")
        response = as_user(world.alice).post(reverse("events:delegate-invite", args=[delegate.pk]))
        assert response.status_code == 302
    finally:
        controller.stop()
    assert len(received) == 1
    assert received[0]["To"] == "ken.mori@example.org"
    assert "/missions/welcome/" in received[0].get_payload(decode=True).decode()


def test_an_smtp_failure_is_shown_and_the_invitation_can_be_resent(as_user, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2  # nobody listens
    delegate = DelegateFactory(mission=world.mission_a, person__user=None)
    url = reverse("events:delegate-invite", args=[delegate.pk])
    response = as_user(world.alice).post(url)
    assert response.status_code == 200
    assert "could not be sent just now" in response.content.decode()
    delegate.person.refresh_from_db()
    assert delegate.person.user is not None  # the account is kept, so sending again reuses it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert as_user(world.alice).post(url).status_code == 302
    assert len(mail.outbox) == 1
    assert User.objects.filter(person=delegate.person).count() == 1
