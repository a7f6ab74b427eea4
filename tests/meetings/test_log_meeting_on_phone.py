"""Journey 1 in a real Chromium at 375 px: log a partnering meeting with a new Japanese
counterpart, two of our delegates and two follow-ups, then find it by each filter."""

from datetime import timedelta

import pytest

from events.models import PartneringMeeting
from followups.models import FollowUp

from ..conftest import login
from ..factories import DelegateFactory, MissionFactory, OrganisationFactory
from .conftest import meeting_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def typeahead(page, field):
    return page.locator(f'[data-typeahead][data-field="{field}"]')


def test_log_meeting_on_a_phone_and_find_it_by_every_filter(phone_page, world, partnering, sectors):
    page = phone_page
    alice_delegate = world.mission_a.delegates.get(person__user=world.alice)
    other_mission = MissionFactory(title="Inbound delegation from Osaka")
    DelegateFactory(mission=other_mission, person=alice_delegate.person, role="organiser")
    login(page, "alice")

    # The prominent nav entry opens the form for today's partnering session.
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_test_id("nav-log-meeting").click()
    page.get_by_role("heading", name="Log a partnering meeting").wait_for()
    page.get_by_label("Mission", exact=True).select_option(label=world.mission_a.title)
    switch = page.get_by_role("button", name="Switch")
    # The word stays on one line beside a long mission title.
    lines = "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"
    assert switch.evaluate(lines) == 1
    switch.click()
    assert page.get_by_label("Event", exact=True).locator("option:checked").inner_text() == "BioJapan partnering"
    assert page.get_by_label(alice_delegate.person.full_name).is_checked()  # her own delegate pre-ticked

    # 「武田」: not known yet, so create it inline without leaving the form.
    orgs = typeahead(page, "counterpart_organisations")
    orgs.get_by_role("combobox").fill("武田")
    orgs.get_by_role("option", name="New organisation “武田”").click()
    create = orgs.locator(".inline-create")
    assert create.get_by_label("Name in Japanese (or other script)").input_value() == "武田"
    create.get_by_label("Name in Japanese (or other script)").fill("武田薬品工業")
    create.get_by_label("Name (Latin letters)").fill("Takeda Pharmaceutical")
    create.get_by_role("button", name="Add organisation").click()
    chip = orgs.get_by_test_id("counterpart_organisations-chips").locator(".chip")
    chip.wait_for()
    assert chip.inner_text() == "Takeda Pharmaceutical (武田薬品工業)"

    # "Takeda" finds the record just created; picking it by keyboard replaces the removed chip.
    orgs.get_by_role("button", name="Remove Takeda Pharmaceutical (武田薬品工業)").click()
    assert chip.count() == 0
    box = orgs.get_by_role("combobox")
    box.fill("Takeda")
    orgs.get_by_role("option", name="Takeda Pharmaceutical 武田薬品工業").wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    assert chip.inner_text() == "Takeda Pharmaceutical (武田薬品工業)"

    # Their person, 「佐藤」, created inline and attached to Takeda.
    people = typeahead(page, "counterpart_people")
    people.get_by_role("combobox").fill("佐藤")
    people.get_by_role("option", name="New person “佐藤”").click()
    new_person = people.locator(".inline-create")
    new_person.get_by_label("Family name").fill("Sato")
    new_person.get_by_label("Given name").fill("Ken")
    new_person.get_by_label("Takeda Pharmaceutical (武田薬品工業)").check()
    new_person.get_by_role("button", name="Add person").click()
    people.locator(".chip", has_text="佐藤").wait_for()

    # Two of our delegates, the gist, two follow-ups for named delegates.
    page.get_by_label(world.dave_delegate.person.full_name).check()
    page.get_by_label("Table or room").fill("Table 14")
    page.get_by_label("Topic").fill("Co-location at White City Campus")
    page.locator("label", has_text="High").click()
    page.get_by_label("Next steps").fill("Send the co-location pack.")
    page.locator("summary", has_text="Sectors").click()
    page.get_by_label("Oncology").check()
    rows = page.get_by_test_id("followup-row")
    rows.nth(0).get_by_label("Follow-up").fill("Send the co-location pack to Sato-san")
    rows.nth(0).get_by_label("Who").select_option(label=str(world.dave_delegate))
    page.get_by_role("button", name="+ Add another follow-up").click()
    rows.nth(1).get_by_label("Follow-up").fill("Propose a visit to the Molecular Sciences Research Hub")
    rows.nth(1).get_by_label("Who").select_option(label=str(alice_delegate))
    page.get_by_role("button", name="Save meeting").click()

    page.get_by_text("Meeting with Takeda Pharmaceutical logged and 2 follow-ups.").wait_for()
    meeting = PartneringMeeting.objects.get(mission=world.mission_a)
    assert meeting.event == partnering and meeting.interest == 3 and meeting.location == "Table 14"
    assert set(meeting.delegates.all()) == {world.dave_delegate, alice_delegate}
    assert [p.name_native for p in meeting.counterpart_people.all()] == ["佐藤"]
    followups = FollowUp.objects.filter(meeting=meeting).order_by("title")
    assert [(f.assignee, f.due_on >= meeting.starts_at.date()) for f in followups] == [
        (alice_delegate, True),
        (world.dave_delegate, True),
    ]

    # Decoys that differ in every respect, so each filter has something to leave out.
    other_org = OrganisationFactory(name="Chugai Pharmaceutical", name_native="中外製薬")
    third = DelegateFactory(mission=world.mission_a)
    decoy = meeting_on(
        world.mission_a,
        organisations=[other_org],
        delegates=[third],
        status="cancelled",
        interest=1,
        topic="Decoy on another day",
        starts_at=meeting.starts_at - timedelta(days=2),
    )
    decoy.sectors.set([sectors[1]])
    elsewhere = meeting_on(
        other_mission, organisations=[other_org], delegates=[], topic="Decoy on another mission", status="requested"
    )
    assert elsewhere.pk

    day = meeting.starts_at.astimezone(world.mission_a.tz).date().isoformat()
    dave = world.dave_delegate.person

    def select(label, value):
        form.get_by_label(label, exact=True).select_option(label=value)

    def pick(field, typed, option):
        # The typeahead widget: type, pick a match; the chip holds the id the form submits.
        box = typeahead(form, field)
        box.get_by_role("combobox").fill(typed)
        box.locator("[role=option]", has_text=option).first.click()
        box.locator(".chip", has_text=option).wait_for()

    filters = [
        ("Mission", "", lambda: select("Mission", world.mission_a.title)),
        # Events are listed once a mission is chosen (a mission's own, not every mission's).
        ("Event", f"?mission={world.mission_a.pk}", lambda: select("Event", "BioJapan partnering")),
        ("Day", "", lambda: form.get_by_label("Day", exact=True).fill(day)),
        # Without a mission, "Our delegate" is a typeahead over the delegates of the user's missions.
        ("Our delegate", "", lambda: pick("delegate", dave.family_name, dave.full_name)),
        ("Counterpart organisation", "", lambda: pick("counterpart", "武田", "Takeda Pharmaceutical")),
        ("Counterpart person", "", lambda: pick("person", "Sato", "Sato")),
        ("Sector", "", lambda: select("Sector", "Oncology")),
        ("Status", "", lambda: select("Status", "Held")),
        ("Interest", "", lambda: select("Interest", "High")),
    ]
    for label, query, choose in filters:
        page.goto("/meetings/" + query)
        if page.locator("details:has([data-testid=meeting-filters])").get_attribute("open") is None:
            page.locator("summary", has_text="Filters").click()  # open already when a filter is set
        form = page.get_by_test_id("meeting-filters")
        choose()
        form.get_by_role("button", name="Filter").click()
        listing = page.get_by_test_id("meeting-list").inner_text()
        assert "Co-location at White City Campus" in listing, label
        assert "Decoy on another mission" not in listing, label
        if label != "Mission":
            assert "Decoy on another day" not in listing, label
