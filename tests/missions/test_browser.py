"""In a real Chromium: an organiser adds an event to the agenda and a delegate to the roster."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from contacts.models import Person
from events.models import Event

from ..conftest import login
from ..factories import OrganisationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_adds_an_event_and_a_delegate(page, world):
    OrganisationFactory(name="LINK-J", name_native="ライフサイエンス・イノベーション・ネットワーク・ジャパン")
    OrganisationFactory(name="Colliers")
    PersonFactory(given_name="Oscar", family_name="Ces", email="oscar.ces@example.org")
    mission = world.mission_a
    day = mission.start_date + timedelta(days=1)

    login(page, "alice")
    page.get_by_role("link", name=mission.title).click()
    page.get_by_role("link", name="Add event").click()
    page.get_by_label("Title").fill("UK Life Sciences Symposium")
    page.get_by_label("Kind").select_option(label="Symposium")
    page.get_by_label("Starts").fill(f"{day}T13:00")
    page.get_by_label("Ends").fill(f"{day}T12:00")
    page.get_by_label("Venue").fill("Nihonbashi Life Science Building")
    # co-hosts: type a few letters and pick from the typeahead's matches; the pick becomes a chip
    cohosts = page.locator('[data-typeahead][data-field="co_hosts"]')
    cohosts.get_by_role("combobox").fill("link")
    cohosts.locator("[role=option]", has_text="LINK-J").click()
    expect(cohosts.locator(".chip", has_text="LINK-J")).to_be_visible()
    expect(cohosts.locator("[role=option]")).to_have_count(0)
    page.get_by_role("button", name="Add event").click()

    # ending before it starts is refused, and nothing typed is lost
    expect(page.get_by_text("The event must end after it starts.")).to_be_visible()
    assert page.get_by_label("Venue").input_value() == "Nihonbashi Life Science Building"
    expect(cohosts.locator(".chip", has_text="LINK-J")).to_be_visible()  # the pick is kept too
    page.get_by_label("Ends").fill(f"{day}T18:00")
    page.get_by_role("button", name="Add event").click()

    expect(page.get_by_role("heading", name="UK Life Sciences Symposium")).to_be_visible()
    when = page.get_by_test_id("event-when").inner_text()
    assert "13:00–18:00 Asia/Tokyo" in when
    assert "LINK-J" in page.locator("#content").inner_text()
    event = Event.objects.get(title="UK Life Sciences Symposium")
    assert event.starts_at == datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # 13:00 in Tokyo
    assert [o.name for o in event.co_hosts.all()] == ["LINK-J"]

    # back to the mission, the event is on the agenda; now add a delegate
    page.get_by_role("link", name=mission.title).click()
    expect(page.get_by_role("link", name="UK Life Sciences Symposium")).to_be_visible()
    page.get_by_role("link", name="Manage delegates").first.click()
    page.get_by_role("link", name="Add delegate").click()
    person = page.locator('[data-typeahead][data-field="person"]')
    person.get_by_role("combobox").fill("Ces")
    person.locator("[role=option]", has_text="Oscar Ces").click()
    picked = person.locator("input[type=hidden][name=person]")
    assert picked.input_value() == str(Person.objects.get(family_name="Ces").pk)
    expect(person.locator("[role=option]")).to_have_count(0)
    page.get_by_label("Role").select_option(label="Speaker")
    page.get_by_role("button", name="Add to the mission", exact=True).click()

    expect(page.get_by_text("Oscar Ces added as speaker.")).to_be_visible()
    row = page.locator("li.list-group-item", has_text="Oscar Ces")
    assert row.get_by_label("Role of Oscar Ces").input_value() == "speaker"
    assert mission.delegates.filter(person=Person.objects.get(family_name="Ces"), role="speaker").exists()

    # a new person: the "new person" part of the form shows only once chosen
    page.get_by_role("link", name="Add delegate").click()
    expect(page.get_by_role("heading", name="Add a delegate")).to_be_visible()
    expect(page.get_by_label("Family name")).to_be_hidden()
    page.get_by_label("A new person").check()
    page.get_by_label("Given name").fill("Martin")
    page.get_by_label("Family name").fill("Turner")
    page.get_by_label("Email").fill("martin.turner@example.org")
    page.get_by_role("button", name="Add to the mission", exact=True).click()
    expect(page.get_by_text("Martin Turner added as delegate.")).to_be_visible()
    assert mission.delegates.filter(person__email="martin.turner@example.org").exists()
