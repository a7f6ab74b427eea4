"""Event pages and forms: local times in the event's zone (across daylight saving),
end after start, within the mission's dates, and access by id."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Event

from ..factories import EventFactory, MissionFactory, OrganisationFactory, PersonFactory

LONDON = ZoneInfo("Europe/London")


def event_data(**overrides):
    data = {
        "title": "UK Life Sciences Symposium",
        "kind": "symposium",
        "time_zone": "Asia/Tokyo",
        "starts_local": "",
        "ends_local": "",
        "venue": "Nihonbashi Life Science Building",
        "city": "Tokyo",
        "capacity": "150",
        "attendance": "",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def spring_mission(world):
    """Mission A moved to the week the UK clocks go forward (Sunday 29 March 2026)."""
    mission = world.mission_a
    mission.start_date, mission.end_date, mission.time_zone = date(2026, 3, 27), date(2026, 3, 31), "Europe/London"
    mission.save()
    return mission


def create(client, mission, **overrides):
    return client.post(reverse("events:event-create", args=[mission.pk]), event_data(**overrides))


def test_organiser_adds_an_event_in_its_own_zone(as_user, world):
    mission = world.mission_a
    day = mission.start_date
    host, sponsor = OrganisationFactory(name="LINK-J"), OrganisationFactory(name="Colliers")
    speaker = PersonFactory(family_name="Ces")
    response = create(
        as_user(world.alice),
        mission,
        starts_local=f"{day}T13:00",
        ends_local=f"{day}T18:00",
        co_hosts=[host.pk],
        sponsors=[sponsor.pk],
        speakers=[speaker.pk],
    )
    event = Event.objects.get(title="UK Life Sciences Symposium")
    assert response.status_code == 302 and response.url == reverse("events:event-detail", args=[event.pk])
    tokyo = ZoneInfo("Asia/Tokyo")
    assert event.starts_at == datetime.combine(day, datetime.min.time(), tokyo) + timedelta(hours=13)
    assert event.ends_at - event.starts_at == timedelta(hours=5)
    assert [list(event.co_hosts.all()), list(event.sponsors.all()), list(event.speakers.all())] == [
        [host],
        [sponsor],
        [speaker],
    ]
    assert event.created_by == world.alice
    page = as_user(world.dave).get(response.url).content.decode()
    assert '13:00–18:00</span> <span class="tz-note">Asia/Tokyo</span>' in page
    assert "LINK-J" in page and "Colliers" in page and "Ces" in page and "150" in page


def test_a_london_event_typed_across_the_clock_change_is_stored_right(as_user, world, spring_mission):
    # 00:30 is still GMT; 03:00 is already BST: the event lasts an hour and a half, not two and a half
    create(
        as_user(world.alice),
        spring_mission,
        time_zone="Europe/London",
        starts_local="2026-03-29T00:30",
        ends_local="2026-03-29T03:00",
    )
    event = Event.objects.get()
    assert event.starts_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    page = as_user(world.alice).get(reverse("events:event-detail", args=[event.pk])).content.decode()
    assert 'Sun 29 Mar 2026, 00:30–03:00</span> <span class="tz-note">Europe/London</span>' in page
    # and the edit form shows the same local times back
    form_page = as_user(world.alice).get(reverse("events:event-edit", args=[event.pk])).content.decode()
    assert 'value="2026-03-29T00:30"' in form_page and 'value="2026-03-29T03:00"' in form_page


def test_a_time_the_clocks_skip_is_refused_with_a_clear_message(as_user, world, spring_mission):
    response = create(
        as_user(world.alice),
        spring_mission,
        time_zone="Europe/London",
        starts_local="2026-03-29T01:30",
        ends_local="2026-03-29T04:00",
    )
    assert response.status_code == 200
    assert "01:30 does not exist in Europe/London on 29 March 2026" in response.content.decode()
    assert not Event.objects.exists()


def test_a_time_repeated_when_clocks_go_back_is_its_first_occurrence(as_user, world):
    mission = MissionFactory(start_date=date(2026, 10, 24), end_date=date(2026, 10, 26), time_zone="Europe/London")
    from events.models import Delegate

    Delegate.objects.create(mission=mission, person=world.alice.person, role=Delegate.Role.ORGANISER)
    create(
        as_user(world.alice),
        mission,
        time_zone="Europe/London",
        starts_local="2026-10-25T01:30",
        ends_local="2026-10-25T02:30",
    )
    event = Event.objects.get()
    assert event.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert event.ends_at == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)  # 02:30 GMT


def test_the_zone_is_the_events_not_the_viewers(as_user, world):
    # Alice works in London; the event is typed in Tokyo time and stored as such
    day = world.mission_a.start_date
    create(
        as_user(world.alice),
        world.mission_a,
        time_zone="Asia/Tokyo",
        starts_local=f"{day}T09:00",
        ends_local=f"{day}T10:00",
    )
    event = Event.objects.get()
    assert event.starts_at.astimezone(ZoneInfo("Asia/Tokyo")).hour == 9


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("T18:00", "T13:00", "The event must end after it starts."),
        ("T13:00", "T13:00", "The event must end after it starts."),
        ("T13:00", "", "This field is required."),
        ("Tnoon", "T13:00", "Enter a date and time"),
        ("T13:00+09:00", "T14:00", "without a time-zone offset"),
    ],
)
def test_bad_times_are_refused_and_the_input_kept(as_user, world, starts, ends, message):
    day = world.mission_a.start_date
    response = create(
        as_user(world.alice),
        world.mission_a,
        starts_local=f"{day}{starts}",
        ends_local=f"{day}{ends}" if ends else "",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nihonbashi Life Science Building" in page
    assert not Event.objects.filter(title="UK Life Sciences Symposium").exists()


def test_an_event_far_from_the_mission_dates_is_refused(as_user, world):
    # a wrong year is the typical typo
    day = world.mission_a.start_date.replace(year=world.mission_a.start_date.year + 1)
    response = create(as_user(world.alice), world.mission_a, starts_local=f"{day}T13:00", ends_local=f"{day}T18:00")
    assert response.status_code == 200
    assert "an event must fall within 14 days of it" in response.content.decode()
    assert not Event.objects.filter(title="UK Life Sciences Symposium").exists()


def test_an_event_just_after_the_mission_is_saved_with_a_warning(as_user, world):
    # follow-up visits happen in the days after a mission
    day = world.mission_a.end_date + timedelta(days=6)
    response = create(as_user(world.alice), world.mission_a, starts_local=f"{day}T13:00", ends_local=f"{day}T18:00")
    assert response.status_code == 302
    page = as_user(world.alice).get(response.url).content.decode()
    assert "This event is outside the mission&#x27;s dates" in page


def test_edit_changes_times_and_zone(as_user, world):
    event = EventFactory(mission=world.mission_a)
    day = world.mission_a.start_date
    response = as_user(world.alice).post(
        reverse("events:event-edit", args=[event.pk]),
        event_data(time_zone="Europe/London", starts_local=f"{day}T09:00", ends_local=f"{day}T17:30"),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.time_zone == "Europe/London"
    assert event.starts_at.astimezone(LONDON).strftime("%H:%M") == "09:00"
    assert event.modified_by == world.alice


@pytest.mark.parametrize(
    ("persona", "which", "detail", "edit"),
    [
        ("alice", "a", 200, 200),
        ("mary", "b", 200, 200),
        ("dave", "a", 200, 403),
        ("alice", "b", 404, 404),
        ("dave", "b", 404, 404),
        ("oliver", "a", 404, 404),
        ("nobody", "a", 404, 404),
    ],
)
def test_access_by_id(as_user, world, persona, which, detail, edit):
    event = EventFactory(mission=getattr(world, f"mission_{which}"))
    client = as_user(getattr(world, persona))
    assert client.get(reverse("events:event-detail", args=[event.pk])).status_code == detail
    assert client.get(reverse("events:event-edit", args=[event.pk])).status_code == edit
    response = client.post(reverse("events:event-edit", args=[event.pk]), event_data(title="Hijacked"))
    assert response.status_code in ((200, 302) if edit == 200 else (edit,))
    create_status = client.get(reverse("events:event-create", args=[event.mission.pk])).status_code
    assert create_status == edit


def test_malformed_ids_in_the_form_are_errors(as_user, world):
    day = world.mission_a.start_date
    response = create(
        as_user(world.alice),
        world.mission_a,
        starts_local=f"{day}T13:00",
        ends_local=f"{day}T18:00",
        speakers=["x"],
        co_hosts=["99999999999999999999"],
        kind="party",
        time_zone="Nowhere/Atlantis",
        capacity="-5",
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


@pytest.mark.parametrize("field", ["capacity", "attendance"])
@pytest.mark.parametrize("value", [str(2**31), str(2**63), "9" * 40])
def test_a_number_too_large_to_keep_is_a_form_error_and_keeps_what_was_typed(as_user, world, field, value):
    day = world.mission_a.start_date
    response = create(
        as_user(world.alice),
        world.mission_a,
        starts_local=f"{day}T13:00",
        ends_local=f"{day}T18:00",
        **{field: value},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert "less than or equal to 2147483647" in str(form.errors[field])
    assert "UK Life Sciences Symposium" in response.content.decode()
    assert not Event.objects.exists()


def test_the_largest_number_that_fits_is_kept(as_user, world):
    day = world.mission_a.start_date
    create(
        as_user(world.alice),
        world.mission_a,
        starts_local=f"{day}T13:00",
        ends_local=f"{day}T18:00",
        attendance=str(2**31 - 1),
    )
    assert Event.objects.get().attendance == 2**31 - 1
