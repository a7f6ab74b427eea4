"""Logging, listing, showing and editing partnering meetings (server side)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from events.models import PartneringMeeting
from followups.models import FollowUp

from ..conftest import PASSWORD
from ..factories import TOKYO, DelegateFactory, EventFactory, OrganisationFactory, delegate_with_login
from .conftest import meeting_on

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def log_url(mission):
    return f"{reverse('meetings:log')}?mission={mission.pk}"


def meeting_data(*, organisations, delegates, when, followups=(), **extra):
    data = {
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "location": "Table 14",
        "counterpart_organisations": [str(o.pk) for o in organisations],
        "delegates": [str(d.pk) for d in delegates],
        "topic": "Co-location at White City",
        "interest": "3",
        "status": "held",
        "notes": "Keen on regenerative medicine.",
        "next_steps": "Send the co-location pack.",
        "followups-TOTAL_FORMS": str(max(len(followups), 1)),
        "followups-INITIAL_FORMS": "0",
        "followups-MIN_NUM_FORMS": "0",
        "followups-MAX_NUM_FORMS": "1000",
    }
    for i, (title, assignee, due) in enumerate(followups):
        data[f"followups-{i}-title"] = title
        data[f"followups-{i}-assignee"] = str(assignee.pk)
        data[f"followups-{i}-due_on"] = due.isoformat()
    data.update(extra)
    return data


@pytest.fixture
def alice_delegate(world):
    return world.mission_a.delegates.get(person__user=world.alice)


@pytest.fixture
def when(world):
    return datetime.combine(world.mission_a.start_date, datetime.min.time()) + timedelta(hours=11)


def test_organiser_logs_meeting_with_two_delegates_and_two_followups(client, world, takeda, sato, when, alice_delegate):
    signed_in(client, "alice")
    day = when.date()
    data = meeting_data(
        organisations=[takeda],
        delegates=[world.dave_delegate, alice_delegate],
        when=when,
        followups=[("Send the pack", world.dave_delegate, day + timedelta(days=3)), ("Call back", alice_delegate, day)],
        counterpart_people=[str(sato.pk)],
    )
    response = client.post(log_url(world.mission_a), data)
    meeting = PartneringMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    # typed as Tokyo wall-clock time, stored as the right instant
    assert meeting.starts_at == when.replace(tzinfo=TOKYO)
    assert set(meeting.delegates.all()) == {world.dave_delegate, alice_delegate}
    assert list(meeting.counterpart_people.all()) == [sato]
    assert meeting.logged_by == world.alice and meeting.version == 1
    assert sorted((f.title, f.assignee_id, f.due_on) for f in meeting.followups.all()) == [
        ("Call back", alice_delegate.pk, day),
        ("Send the pack", world.dave_delegate.pk, day + timedelta(days=3)),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Meeting with Takeda Pharmaceutical logged and 2 follow-ups." in page
    assert "武田薬品工業" in page and "佐藤 健" in page and "Asia/Tokyo" in page


def test_log_form_defaults_to_todays_event_now_and_own_delegate(client, world, partnering):
    signed_in(client, "dave")
    response = client.get(reverse("meetings:log"))  # no mission given: dave's current mission
    form = response.context["form"]
    assert form.mission == world.mission_a
    assert form.initial["event"] == partnering
    assert form.initial["delegates"] == [world.dave_delegate]
    assert abs(form.initial["starts_at"] - datetime.now(TOKYO)) < timedelta(minutes=6)
    html = response.content.decode()
    assert "Time (Asia/Tokyo)" in html


def test_an_event_under_way_since_before_midnight_is_still_the_default(world):
    """At 01:30 in Tokyo the reception that began at 23:00 is the one being logged."""
    from followups.meeting_forms import default_event

    night = datetime(2026, 10, 15, 1, 30, tzinfo=TOKYO)
    reception = EventFactory(
        mission=world.mission_a,
        title="Late reception",
        kind="reception",
        starts_at=night - timedelta(hours=2, minutes=30),
        ends_at=night + timedelta(hours=1),
    )
    EventFactory(
        mission=world.mission_a,
        title="Morning partnering",
        kind="partnering",
        starts_at=night + timedelta(hours=8),
        ends_at=night + timedelta(hours=12),
    )
    assert default_event(world.mission_a, now=night) == reception
    assert default_event(world.mission_a, now=night + timedelta(hours=2)).title == "Morning partnering"


def _nothing_written():
    assert PartneringMeeting.objects.count() == 0
    assert FollowUp.objects.count() == 0


def test_missing_counterpart_is_refused_and_input_kept(client, world, when, alice_delegate):
    signed_in(client, "alice")
    response = client.post(
        log_url(world.mission_a), meeting_data(organisations=[], delegates=[alice_delegate], when=when)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Who did you meet? Type a few letters of their organisation" in html
    assert "Co-location at White City" in html and "Send the co-location pack." in html
    _nothing_written()


def test_followup_due_before_the_meeting_is_refused(client, world, takeda, when, alice_delegate):
    signed_in(client, "alice")
    data = meeting_data(
        organisations=[takeda],
        delegates=[alice_delegate],
        when=when,
        followups=[("Too early", alice_delegate, when.date() - timedelta(days=1))],
    )
    response = client.post(log_url(world.mission_a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is before the meeting" in html and "Too early" in html
    assert f'data-id="{takeda.pk}"' in html  # the picked counterpart is still there
    _nothing_written()


@pytest.mark.parametrize(
    "override",
    [
        {"counterpart_organisations": ["abc"]},
        {"counterpart_organisations": ["99999999"]},
        {"counterpart_people": ["1; drop table"]},
        {"delegates": ["x"]},
        {"event": "not-a-number"},
        {"starts_at": "yesterday-ish"},
        {"duration_minutes": "-5"},
        {"interest": "7"},
        {"status": "won"},
        {"followups-TOTAL_FORMS": "many"},
        {"followups-0-title": "x", "followups-0-assignee": "zzz", "followups-0-due_on": "2026-02-30"},
    ],
)
def test_malformed_input_gets_a_message_and_writes_nothing(client, world, takeda, when, alice_delegate, override):
    signed_in(client, "alice")
    data = meeting_data(organisations=[takeda], delegates=[alice_delegate], when=when)
    data.update(override)
    response = client.post(log_url(world.mission_a), data)
    assert response.status_code == 200
    assert "Nothing was saved yet" in response.content.decode()
    _nothing_written()


def test_another_missions_event_and_delegates_are_refused(client, world, takeda, when, alice_delegate):
    other_event = EventFactory(mission=world.mission_b)
    signed_in(client, "alice")
    data = meeting_data(organisations=[takeda], delegates=[world.erin_delegate], when=when, event=str(other_event.pk))
    response = client.post(log_url(world.mission_a), data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"event", "delegates"}
    _nothing_written()


@pytest.mark.parametrize("mission", ["abc", "99999", "-1", "1.5"])
def test_malformed_or_unknown_mission_in_query_string_is_not_found(client, world, mission):
    signed_in(client, "alice")
    assert client.get(reverse("meetings:log"), {"mission": mission}).status_code == 404
    assert client.get(reverse("meetings:enquiry-new"), {"mission": mission}).status_code == 404


def test_delegate_logs_only_meetings_they_were_in_and_assigns_only_themselves(
    client, world, takeda, when, alice_delegate
):
    signed_in(client, "dave")
    response = client.post(
        log_url(world.mission_a), meeting_data(organisations=[takeda], delegates=[alice_delegate], when=when)
    )
    assert "tick yourself among our delegates" in response.content.decode()
    data = meeting_data(
        organisations=[takeda],
        delegates=[world.dave_delegate],
        when=when,
        followups=[("For Alice", alice_delegate, when.date())],
    )
    response = client.post(log_url(world.mission_a), data)
    assert response.status_code == 200 and "assignee" in response.context["formset"].forms[0].errors
    _nothing_written()
    data = meeting_data(
        organisations=[takeda],
        delegates=[world.dave_delegate, alice_delegate],
        when=when,
        followups=[("Mine", world.dave_delegate, when.date())],
    )
    assert client.post(log_url(world.mission_a), data).status_code == 302
    assert FollowUp.objects.get().assignee == world.dave_delegate


def test_other_missions_people_cannot_log_see_or_edit_by_id(client, world, takeda):
    meeting = meeting_on(world.mission_a, organisations=[takeda], delegates=[world.dave_delegate])
    for username in ("erin", "oliver"):
        signed_in(client, username)
        assert client.get(log_url(world.mission_a)).status_code == 404
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 404
        assert client.post(reverse("meetings:edit", args=[meeting.pk]), {}).status_code == 404
        listing = client.get(reverse("meetings:list")).content.decode()
        assert meeting.topic not in listing
        assert client.get(reverse("meetings:list"), {"mission": world.mission_a.pk}).status_code == 200
        assert (
            meeting.topic not in client.get(reverse("meetings:list"), {"mission": world.mission_a.pk}).content.decode()
        )
    client.logout()


def test_delegate_who_was_not_in_the_meeting_sees_it_but_cannot_edit(client, world, takeda):
    meeting = meeting_on(world.mission_a, organisations=[takeda], delegates=[world.dave_delegate])
    colleague, _ = delegate_with_login(world.mission_a, username="colleague")
    signed_in(client, "colleague")
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), {"topic": "hijack"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.topic != "hijack"


def test_detail_shows_only_followups_the_viewer_may_see(client, world, takeda, alice_delegate):
    meeting = meeting_on(world.mission_a, organisations=[takeda], delegates=[world.dave_delegate, alice_delegate])
    FollowUp.objects.create(
        mission=world.mission_a,
        meeting=meeting,
        title="Dave's task",
        assignee=world.dave_delegate,
        due_on=meeting.starts_at.date(),
    )
    FollowUp.objects.create(
        mission=world.mission_a,
        meeting=meeting,
        title="Alice's task",
        assignee=alice_delegate,
        due_on=meeting.starts_at.date(),
    )
    signed_in(client, "dave")
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Dave&#x27;s task" in html and "Alice&#x27;s task" not in html
    signed_in(client, "alice")
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Dave&#x27;s task" in html and "Alice&#x27;s task" in html


def _edit_data(client, meeting):
    form = client.get(reverse("meetings:edit", args=[meeting.pk])).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is not None:
            data[name] = field.widget.format_value(value) if name == "starts_at" else str(value)
    data.update(
        {
            "followups-TOTAL_FORMS": "1",
            "followups-INITIAL_FORMS": "0",
            "followups-MIN_NUM_FORMS": "0",
            "followups-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_concurrent_edit_is_a_conflict_never_a_silent_overwrite(client, world, takeda, alice_delegate):
    meeting = meeting_on(
        world.mission_a, organisations=[takeda], delegates=[world.dave_delegate], logged_by=world.dave, topic="Original"
    )
    signed_in(client, "alice")
    alices = _edit_data(client, meeting)  # Alice opens the edit form at version 1
    signed_in(client, "dave")
    daves = _edit_data(client, meeting)
    daves["topic"] = "Dave's topic"
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), daves).status_code == 302

    signed_in(client, "alice")
    alices["topic"] = "Alice's topic"
    alices["next_steps"] = "Alice's next steps"
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), alices)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this meeting while you were editing it" in html
    assert "Topic" in html and "Dave&#x27;s topic" in html  # what changed
    assert "Alice&#x27;s topic" in html and "Alice&#x27;s next steps" in html  # her input kept
    meeting.refresh_from_db()
    assert meeting.topic == "Dave's topic" and meeting.version == 2
    # Having seen the conflict, saving again is a deliberate overwrite of version 2.
    assert response.context["form"]["version"].value() == "2"
    again = {**alices, "version": "2"}
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), again).status_code == 302
    meeting.refresh_from_db()
    assert meeting.topic == "Alice's topic" and meeting.version == 3


def test_edit_without_version_is_refused(client, world, takeda):
    meeting = meeting_on(world.mission_a, organisations=[takeda], delegates=[world.dave_delegate], topic="Original")
    signed_in(client, "alice")
    data = _edit_data(client, meeting)
    data.pop("version")
    data["topic"] = "Changed"
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 200 and "missing its version" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.topic == "Original"


def test_detail_shows_history_of_changes(client, world, takeda):
    meeting = meeting_on(world.mission_a, organisations=[takeda], delegates=[world.dave_delegate], logged_by=world.dave)
    signed_in(client, "dave")
    data = _edit_data(client, meeting)
    data["location"] = "Room 301"
    client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "changed table or room" in html


def test_one_save_is_one_history_entry(client, world, takeda, sato, when, alice_delegate):
    """Logging sets counterparts, people, delegates and sectors too; editing several of them is one
    change: each user action shows once, with what it changed."""
    signed_in(client, "alice")
    data = meeting_data(
        organisations=[takeda], delegates=[alice_delegate], when=when, counterpart_people=[str(sato.pk)]
    )
    client.post(log_url(world.mission_a), data)
    meeting = PartneringMeeting.objects.get()
    assert meeting.history.count() > 1  # simple-history's rows: the record, then each many-to-many set
    detail = reverse("meetings:detail", args=[meeting.pk])
    entries = client.get(detail).context["history"]
    assert [e.action for e in entries] == ["Created"]
    edit = _edit_data(client, meeting)
    edit.update(location="Room 301", delegates=[str(alice_delegate.pk), str(world.dave_delegate.pk)])
    edit["counterpart_people"] = []
    client.post(reverse("meetings:edit", args=[meeting.pk]), edit)
    page = client.get(detail)
    entries = page.context["history"]
    assert [e.action for e in entries] == ["Changed", "Created"]
    changes = {c.label: c for c in entries[0].changes}
    assert changes["Table or room"].new == "Room 301"
    assert changes["Our delegates"].added == [str(world.dave_delegate)]
    assert changes["Counterpart people"].removed == [str(sato)]
    assert "saved (" not in page.content.decode()


# Query counts: constant in the number of rows.


def _many_meetings(world, n):
    event = EventFactory(mission=world.mission_a)
    for i in range(n):
        org = OrganisationFactory(name=f"Counterpart {i}", name_native=f"会社{i}")
        meeting = meeting_on(
            world.mission_a,
            organisations=[org, OrganisationFactory()],
            delegates=[world.dave_delegate, DelegateFactory(mission=world.mission_a)],
            event=event,
        )
        FollowUp.objects.create(
            mission=world.mission_a,
            meeting=meeting,
            title=f"Task {i}",
            assignee=world.dave_delegate,
            due_on=meeting.starts_at.date(),
        )


# session, user, nav, 4 filter choice lists (missions; the mission's events and delegates; sectors),
# current mission, count, page, 4 prefetches (event, organisations, delegates, sectors); a typeahead
# filter reads nothing until something is picked
LIST_QUERIES = 16
DETAIL_QUERIES = 20  # the history: its rows, one per many-to-many field, one per kind of record named


@pytest.mark.parametrize("rows", [2, 12])
def test_meeting_list_query_count_is_pinned(client, world, django_assert_num_queries, rows):
    _many_meetings(world, rows)
    signed_in(client, "alice")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("meetings:list"), {"mission": world.mission_a.pk, "status": "held"})
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 8])
def test_meeting_detail_query_count_is_pinned(client, world, django_assert_num_queries, rows):
    orgs = [OrganisationFactory() for _ in range(rows)]
    meeting = meeting_on(world.mission_a, organisations=orgs, delegates=[world.dave_delegate], logged_by=world.dave)
    for i in range(rows):
        FollowUp.objects.create(
            mission=world.mission_a,
            meeting=meeting,
            title=f"Task {i}",
            assignee=world.dave_delegate,
            due_on=meeting.starts_at.date(),
        )
        meeting.topic = f"v{i}"
        meeting.save()
    signed_in(client, "alice")
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"mission": "abc"},
        {"day": "31/02/2026"},
        {"interest": "9"},
        {"delegate": "x"},
        {"page": "-3"},
        {"sector": "1e9"},
    ],
)
def test_malformed_filters_get_a_message_not_an_error(client, world, query):
    signed_in(client, "dave")
    response = client.get(reverse("meetings:list"), query)
    assert response.status_code == 200


def test_a_meeting_time_skipped_by_the_clocks_is_refused_not_shifted(client, world, takeda, alice_delegate):
    """29 March 2026 in London: 01:00 becomes 02:00, so 01:30 never happens there."""
    mission = world.mission_a
    mission.start_date, mission.end_date, mission.time_zone = date(2026, 3, 27), date(2026, 3, 31), "Europe/London"
    mission.save()
    signed_in(client, "alice")
    data = meeting_data(organisations=[takeda], delegates=[alice_delegate], when=datetime(2026, 3, 29, 1, 30))
    response = client.post(log_url(mission), data)
    assert response.status_code == 200
    assert "01:30 does not exist in Europe/London on 29 March 2026" in response.content.decode()
    assert "Co-location at White City" in response.content.decode()  # what was typed is kept
    _nothing_written()
    data = meeting_data(organisations=[takeda], delegates=[alice_delegate], when=datetime(2026, 10, 25, 1, 30))
    mission.start_date, mission.end_date = date(2026, 10, 23), date(2026, 10, 27)
    mission.save()
    assert client.post(log_url(mission), data).status_code == 302  # repeated 01:30: the first one
    meeting = PartneringMeeting.objects.get()
    assert meeting.starts_at.utcoffset() is not None
    assert meeting.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_the_service_enforces_what_a_delegate_may_log_whatever_the_form_did(world, takeda, when, alice_delegate):
    """Not only the form: a delegate's meeting without them, or a follow-up for a colleague,
    is refused by the service and writes nothing; with them, colleagues may be ticked too."""
    from django.core.exceptions import ValidationError

    from events.services import MeetingDetails
    from followups import services

    def details(delegates):
        return MeetingDetails(
            event=None, starts_at=when.replace(tzinfo=TOKYO), duration_minutes=30, location="", status="held",
            topic="Licensing", notes="", interest=None, next_steps="", delegates=delegates,
            counterpart_organisations=[takeda],
        )  # fmt: skip

    mission = world.mission_a
    with pytest.raises(ValidationError, match="tick yourself among our delegates"):
        services.meeting_log(mission=mission, details=details([alice_delegate]), followups=[], user=world.dave)
    for_alice = [services.FollowUpDetails("For Alice", alice_delegate, when.date())]
    with pytest.raises(ValidationError, match="follow-ups only to yourself"):
        services.meeting_log(
            mission=mission, details=details([world.dave_delegate]), followups=for_alice, user=world.dave
        )
    _nothing_written()
    with pytest.raises(ValidationError, match="Only delegates and organisers of this mission"):
        services.meeting_log(mission=mission, details=details([world.dave_delegate]), followups=[], user=world.erin)
    meeting, _ = services.meeting_log(
        mission=mission, details=details([world.dave_delegate, alice_delegate]), followups=[], user=world.dave
    )
    assert set(meeting.delegates.all()) == {world.dave_delegate, alice_delegate}
    services.meeting_log(mission=mission, details=details([alice_delegate]), followups=for_alice, user=world.alice)
