"""The report in Debian's Chromium: reached from the manager's mission list,
charts drawn, CSV download, and a phone layout without sideways scrolling."""

from pathlib import Path

import pytest
from django.core.management import call_command

from followups.demo import DEMO_PASSWORD, UK_MISSION

from ..conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_loaded(transactional_db):
    call_command("load_demo", verbosity=0)


def test_manager_opens_the_report_and_downloads_the_csv(page, demo_loaded):
    login(page, "manager", DEMO_PASSWORD)
    page.goto("/missions/")
    page.get_by_role("row").filter(has_text=UK_MISSION).filter(has_not_text="previous year").get_by_role(
        "link", name="Report"
    ).click()
    page.get_by_role("heading", name="Mission report").wait_for()
    assert page.locator("svg.report-chart").count() == 4
    # Each chart fits its card at 1280 px: nothing cut off, nothing to scroll to.
    widths = page.eval_on_selector_all(".chart-scroll", "els => els.map(e => [e.scrollWidth, e.clientWidth])")
    assert widths and all(scroll <= client for scroll, client in widths), widths
    assert page.locator('[data-kpi="Partnering meetings held"]').inner_text() == "6"
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "武田薬品工業".encode() in data


def test_report_fits_a_phone(phone_page, demo_loaded):
    login(phone_page, "organiser", DEMO_PASSWORD)
    phone_page.goto("/missions/")
    phone_page.get_by_role("link", name=UK_MISSION, exact=True).click()
    phone_page.get_by_role("link", name="Mission report and exports").click()
    phone_page.get_by_role("heading", name="Mission report").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_page.locator("svg.report-chart").first.is_visible()
