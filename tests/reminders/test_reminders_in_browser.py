"""An organiser finds a failed reminder from the mission page and sends it again, in Chromium."""

import pytest

from followups.models import ReminderEmail

from ..conftest import login
from .factories import ReminderEmailFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_organiser_resends_a_failed_reminder(request, world, viewport):
    page = request.getfixturevalue(viewport)
    failed = ReminderEmailFactory(
        mission=world.mission_a, recipient=world.dave_delegate.person, state=ReminderEmail.State.FAILED
    )
    login(page, "alice")
    page.goto(f"/missions/{world.mission_a.pk}/")
    page.get_by_role("link", name="Reminder emails").click()
    row = page.get_by_test_id(f"reminder-{failed.pk}")
    assert "Failed" in row.inner_text()
    assert "Gave up after 5 attempts: The mail server refused the recipient: 451" in row.inner_text()
    row.get_by_role("button", name="Resend").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="will be sent again in a moment").is_visible()
    row = page.get_by_test_id(f"reminder-{failed.pk}")
    assert row.get_attribute("data-state") == "pending"
    assert row.get_by_role("button", name="Resend").count() == 0
