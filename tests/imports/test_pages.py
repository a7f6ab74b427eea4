"""The preview costs the same number of queries however long the file is; the journey works in Chromium on a phone."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation
from events.models import ImportJob, PartneringMeeting

from ..conftest import login
from ..factories import DelegateFactory, OrganisationFactory, PersonFactory
from .conftest import csv_bytes


def meeting_csv(mission, count):
    rows = [["Date", "Time", "Our delegate", "Company", "Company name (Japanese)", "Contact person"]]
    for n in range(count):
        start = dt.datetime.combine(mission.start_date, dt.time(9)) + dt.timedelta(minutes=15 * n)
        rows.append(
            [f"{start:%Y-%m-%d}", f"{start:%H:%M}", "Oscar Ces", f"Company {n % 7}", f"会社{n % 7}", f"佐藤 {n}"]
        )
    return csv_bytes(rows)


def test_preview_queries_do_not_grow_with_rows(importer, world):
    DelegateFactory(mission=world.mission_a, person=PersonFactory(given_name="Oscar", family_name="Ces"))
    counts = []
    for size in (3, 30):
        job = importer.upload_ok(
            "meetings", f"m{size}.csv", meeting_csv(world.mission_a, size), mission=world.mission_a
        )
        importer.submit_mapping(job)
        with CaptureQueriesContext(connection) as queries:
            assert importer.preview(job).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.browser
def test_import_a_meeting_list_on_a_phone(phone_page, world, tmp_path):
    mission = world.mission_a
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces"))
    path = tmp_path / "platform.csv"
    path.write_bytes(meeting_csv(mission, 3))
    page = phone_page
    login(page, "alice")
    page.goto(f"/missions/{mission.pk}/")
    page.get_by_role("link", name="partnering meeting list").click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Upload and match columns").click()
    assert page.get_by_label("Company name in Japanese").input_value() == "Company name (Japanese)"
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_text("Preview: nothing has been written yet").wait_for()
    assert page.locator("[data-row]").count() == 3
    assert PartneringMeeting.objects.count() == 0
    page.get_by_role("button", name="Import").click()
    page.get_by_text("3 rows read; 3 added something new").wait_for()
    assert ImportJob.objects.get().status == ImportJob.Status.DONE
    assert (
        PartneringMeeting.objects.filter(mission=mission, counterpart_organisations__name_native="会社1").count() == 1
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_match_a_new_name_to_an_organisation_we_have_on_a_phone(phone_page, world, tmp_path):
    mission = world.mission_a
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces"))
    kobe = OrganisationFactory(name="Kobe City Medical Center", name_native="神戸市立医療センター")
    path = tmp_path / "platform.csv"
    day = f"{mission.start_date:%Y-%m-%d}"
    path.write_bytes(csv_bytes([["Date", "Time", "Our delegate", "Company"], [day, "10:00", "Oscar Ces", "KCMC"]]))
    page = phone_page
    login(page, "alice")
    page.goto(f"/missions/{mission.pk}/")
    page.get_by_role("link", name="partnering meeting list").click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Upload and match columns").click()
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_text("We have this organisation…").click()
    picker = page.locator(".import-match [data-typeahead]")
    picker.get_by_role("combobox").fill("Kobe")
    picker.get_by_role("option", name=re.compile("Kobe City Medical Center")).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Match to it").click()
    page.get_by_text("“KCMC” is now matched to Kobe City Medical Center").wait_for()
    assert "also known as “KCMC”" in page.locator("[data-row]").inner_text()
    page.get_by_role("button", name="Import").click()
    page.get_by_text("1 row read").wait_for()
    assert list(PartneringMeeting.objects.get(mission=mission).counterpart_organisations.all()) == [kobe]
    assert Organisation.objects.filter(name="KCMC").count() == 0
