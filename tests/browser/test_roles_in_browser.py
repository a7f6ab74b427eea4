"""A real Chromium signs in as each demo role and sees what that role should."""

from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from events.models import Event
from followups.demo import DEMO_PASSWORD, SD_MISSION, UK_MISSION

from ..conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def test_manager_lands_on_all_missions(page, demo):
    login(page, "manager", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="All missions").is_visible()
    assert page.get_by_role("link", name=UK_MISSION).is_visible()
    assert page.get_by_role("link", name=SD_MISSION).is_visible()
    assert page.get_by_test_id("role-badge").inner_text() == "Manager"


def test_organiser_lands_on_their_missions_and_opens_the_agenda(page, demo):
    login(page, "organiser", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="My missions").is_visible()
    assert page.get_by_role("link", name=SD_MISSION).count() == 0
    page.get_by_role("link", name=UK_MISSION).click()
    assert page.get_by_role("heading", name="Agenda").is_visible()
    agenda = page.locator("#content").inner_text()
    assert "UK Life Sciences Symposium" in agenda
    # the symposium starts at 13:00 in Tokyo, shown in the event's named zone and in the viewer's own
    symposium = page.locator("li", has_text="UK Life Sciences Symposium")
    assert "13:00–18:00 Asia/Tokyo" in symposium.inner_text()
    starts = Event.objects.get(title="UK Life Sciences Symposium").starts_at.astimezone(ZoneInfo("Europe/London"))
    assert f"your time: {starts:%a %-d %b %H:%M} (Europe/London)" in symposium.inner_text()


def test_delegate_lands_on_their_followups(page, demo):
    login(page, "delegate", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="My follow-ups").is_visible()
    for bucket in ("overdue", "this-week", "later", "done"):
        assert page.get_by_test_id(f"bucket-{bucket}").locator("li").count() >= 1, bucket
    text = page.locator("#content").inner_text()
    assert "Send White City Campus co-location pack to Sato-san" in text
    assert "武田薬品工業" in text
    # another delegate's task never shows
    assert "Introduce Chugai's licensing team" not in text


def test_delegate_navigation_is_their_own(phone_page, demo):
    login(phone_page, "delegate", DEMO_PASSWORD)
    phone_page.get_by_role("button", name="Toggle navigation").click()
    nav = phone_page.locator("#main-nav")
    assert nav.get_by_role("link", name="My follow-ups").is_visible()
    assert nav.get_by_role("link", name="All missions").count() == 0
