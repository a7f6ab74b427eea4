"""An organiser finds a duplicate organisation and merges it in a real Chromium."""

import pytest

from contacts.models import Organisation

from ..conftest import login
from ..factories import MeetingFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_merges_two_organisations(page, world):
    takeda = OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP", city="Tokyo")
    twin = OrganisationFactory(name="Takeda Pharma", name_native="武田薬品", country="JP", city="Osaka")
    meeting = MeetingFactory(mission=world.mission_a, topic="Cell therapy partnering")
    meeting.counterpart_organisations.add(twin)

    login(page, "alice")
    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Takeda Pharmaceutical").click()
    page.get_by_role("link", name="Merge with…").click()
    suggestion = page.locator("li", has_text="Takeda Pharma (武田薬品)")
    suggestion.get_by_role("link", name="Compare and merge").click()

    page.get_by_label("Keep Takeda Pharmaceutical (武田薬品工業)").check()
    page.get_by_role("radiogroup", name="City").get_by_label("Osaka").check()
    page.get_by_role("button", name="Merge").click()

    assert page.get_by_role("status").filter(has_text="was merged into").is_visible()
    assert page.get_by_role("heading", name="Takeda Pharmaceutical").is_visible()
    assert "Cell therapy partnering" in page.get_by_test_id("activity-meetings").inner_text()
    assert "Osaka" in page.locator(".record-facts").inner_text()

    page.goto(f"/contacts/organisations/{twin.pk}/")
    notice = page.get_by_test_id("merged-notice")
    assert "merged into" in notice.inner_text()
    notice.get_by_role("link").click()
    assert page.url.endswith(f"/contacts/organisations/{takeda.pk}/")
    assert Organisation.objects.get(pk=twin.pk).merged_into_id == takeda.pk
