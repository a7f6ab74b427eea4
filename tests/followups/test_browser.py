"""The demo delegate works through their follow-ups in a real Chromium, on a phone and a desktop."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from followups.demo import DEMO_PASSWORD
from followups.models import FollowUp, FollowUpNote

from ..conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERDUE_TITLE = "Send White City Campus co-location pack to Sato-san"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def mark_page(page):
    """A flag that a full page load would wipe out."""
    page.evaluate("window.__noReload = 'still here'")


def still_same_page(page):
    return page.evaluate("window.__noReload") == "still here"


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_delegate_marks_a_followup_done_with_a_note_without_a_reload(request, demo, viewport):
    page = request.getfixturevalue(viewport)
    login(page, "delegate", DEMO_PASSWORD)
    mark_page(page)
    item = page.get_by_test_id("bucket-overdue").locator("li", has_text=OVERDUE_TITLE)
    item.get_by_text("Mark done", exact=True).click()
    item.get_by_label("Outcome note").fill("Pack sent; Sato-san replied and will visit in March.")
    item.get_by_role("button", name="Save as done").click()
    done = page.get_by_test_id("bucket-done")
    done.locator("li", has_text=OVERDUE_TITLE).wait_for()
    assert "Pack sent; Sato-san replied and will visit in March." in done.inner_text()
    assert page.get_by_test_id("bucket-overdue").locator("li", has_text=OVERDUE_TITLE).count() == 0
    assert f"Done: “{OVERDUE_TITLE}”." in page.get_by_test_id("my-followups").inner_text()
    assert still_same_page(page), "the page was reloaded"
    followup = FollowUp.objects.get(title=OVERDUE_TITLE)
    assert followup.status == FollowUp.Status.DONE
    assert followup.history.latest().history_user.username == "delegate"


def test_delegate_adds_a_note_to_the_thread_in_place(page, demo):
    login(page, "delegate", DEMO_PASSWORD)
    mark_page(page)
    item = page.locator("li.followup-item", has_text=OVERDUE_TITLE)
    item.locator("summary", has_text="Notes").click()
    item.get_by_placeholder("Add a note").fill("Left a voicemail for Sato-san")
    item.get_by_role("button", name="Add note").click()
    item.locator(".notes-thread li", has_text="Left a voicemail for Sato-san").wait_for()
    assert "Oscar Ces" in item.locator(".notes-thread").inner_text()
    assert still_same_page(page)
    assert FollowUpNote.objects.get().text == "Left a voicemail for Sato-san"


def test_without_javascript_the_plain_form_still_marks_done(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, "delegate", DEMO_PASSWORD)
        item = page.get_by_test_id("bucket-overdue").locator("li", has_text=OVERDUE_TITLE)
        item.locator("summary", has_text="Mark done").click()
        item.get_by_label("Outcome note").fill("Sent by post")
        item.get_by_role("button", name="Save as done").click()
        page.wait_for_load_state()
        assert "Sent by post" in page.get_by_test_id("bucket-done").inner_text()
    finally:
        context.close()


def test_organiser_finds_organisations_by_native_name_when_recording_an_outcome(page, demo):
    login(page, "organiser", DEMO_PASSWORD)
    mission = FollowUp.objects.get(title=OVERDUE_TITLE).mission
    page.goto(f"/followups/missions/{mission.pk}/outcomes/new/")
    page.get_by_label("Kind").select_option(label="MOU signed")
    page.get_by_label("Title").fill("Cluster MOU with LINK-J and Takeda")
    organisations = page.locator('[data-typeahead][data-field="organisations"]')
    organisations.get_by_role("combobox").fill("武田")
    matches = organisations.locator("[role=option]")
    expect(matches).to_have_count(1)
    assert "Takeda Pharmaceutical" in matches.first.inner_text()
    matches.first.click()
    organisations.get_by_role("combobox").fill("LINK")
    organisations.locator("[role=option]", has_text="LINK-J").click()
    chips = organisations.locator(".chip")
    expect(chips).to_have_count(2)
    picked = chips.all_inner_texts()
    assert picked[0].startswith("Takeda Pharmaceutical") and picked[1].startswith("LINK-J")
    page.get_by_label("Value").fill("1000")
    page.get_by_role("button", name="Record outcome").click()
    # a value without currency: told clearly, nothing lost
    assert "A value needs its currency" in page.locator("#content").inner_text()
    assert page.get_by_label("Title").input_value() == "Cluster MOU with LINK-J and Takeda"
    page.get_by_label("Currency").fill("gbp")
    page.get_by_role("button", name="Record outcome").click()
    page.get_by_role("heading", name="Outcomes").wait_for()
    text = page.locator("#content").inner_text()
    assert "Cluster MOU with LINK-J and Takeda" in text and "£1,000.00" in text
