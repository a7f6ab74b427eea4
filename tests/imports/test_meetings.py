"""Importing a partnering platform's meeting list into a mission."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from contacts.models import Organisation, Person
from events.models import Event, ImportJob, PartneringMeeting

from ..factories import DelegateFactory, EventFactory, OrganisationFactory, PersonFactory

TOKYO = ZoneInfo("Asia/Tokyo")
HEADER = ["Date", "Time", "Table", "Our delegate", "Company", "Company name (Japanese)", "Contact person", "Status"]


@pytest.fixture
def mission(world):
    mission = world.mission_a
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces", honorific="Prof"))
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Hannah", family_name="Price"))
    start = dt.datetime.combine(mission.start_date, dt.time(9), TOKYO)
    EventFactory(mission=mission, kind=Event.Kind.PARTNERING, title="BioJapan partnering", starts_at=start,
                 ends_at=start + dt.timedelta(hours=9))  # fmt: skip
    return mission


def day(mission, fmt="%d/%m/%Y"):
    return mission.start_date.strftime(fmt)


def rows(mission):
    return [
        HEADER,
        [
            day(mission),
            "10:00-10:30",
            "T12",
            "Oscar Ces",
            "Takeda Pharmaceutical",
            "武田薬品工業",
            "佐藤 健",
            "Accepted",
        ],
        [
            day(mission, "%Y-%m-%d"),
            "11:00",
            "T7",
            "Prof Oscar Ces; Hannah Price",
            "Astellas Pharma",
            "アステラス製薬",
            "Ken Yamada",
            "confirmed",
        ],  # fmt: skip
        [day(mission, "%Y/%m/%d"), "14:30", "T3", "Hannah Price", "", "大日本住友製薬", "", "Requested"],
    ]


def test_meeting_list_end_to_end_csv(importer, mission):
    job = importer.upload_ok("meetings", "partnering.csv", "\n".join(",".join(r) for r in rows(mission)).encode(),
                             mission=mission)  # fmt: skip
    assert job.mapping == {
        "date": "Date",
        "time": "Time",
        "table": "Table",
        "delegates": "Our delegate",
        "company": "Company",
        "company_native": "Company name (Japanese)",
        "contact": "Contact person",
        "status": "Status",
    }
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "アステラス製薬" in preview and "大日本住友製薬" in preview
    assert PartneringMeeting.objects.filter(mission=mission).count() == 0

    importer.confirm(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.failure
    meetings = PartneringMeeting.objects.filter(mission=mission).order_by("starts_at")
    assert meetings.count() == 3
    first = meetings[0]
    assert first.starts_at == dt.datetime.combine(mission.start_date, dt.time(10), TOKYO)
    assert first.duration_minutes == 30
    assert first.location == "T12"
    assert first.status == PartneringMeeting.Status.HELD  # "Accepted", and its time has passed
    assert first.event.title == "BioJapan partnering"
    takeda = first.counterpart_organisations.get()
    assert (takeda.name, takeda.name_native, takeda.country.code) == ("Takeda Pharmaceutical", "武田薬品工業", "JP")
    contact = first.counterpart_people.get()
    assert contact.name_native == "佐藤 健" and contact.family_name == "佐藤" and contact.organisation == takeda
    assert sorted(d.person.family_name for d in meetings[1].delegates.all()) == ["Ces", "Price"]
    assert meetings[1].counterpart_people.get().family_name == "Yamada"
    # A company given only in Japanese is created under its Japanese name.
    assert meetings[2].counterpart_organisations.get().name == "大日本住友製薬"
    assert meetings[2].status == PartneringMeeting.Status.REQUESTED


def test_meeting_list_xlsx_with_real_date_and_time_cells_twice(importer, mission):
    takeda = OrganisationFactory(name="Takeda", name_native="武田薬品工業", country="JP")
    sheet = [
        HEADER,
        [mission.start_date, dt.time(10, 0), "T12", "Hannah Price", "", "武田薬品工業", "", "Held"],
        [dt.datetime.combine(mission.start_date, dt.time(15, 15)), None, "T1", "Ces", "Chugai", "中外製薬", "", ""],
    ]
    from .conftest import xlsx_bytes

    job = importer.run("meetings", "platform.xlsx", xlsx_bytes(sheet), mission=mission)
    assert job.status == ImportJob.Status.DONE, job.failure
    held = PartneringMeeting.objects.get(mission=mission, counterpart_organisations=takeda)
    assert held.status == PartneringMeeting.Status.HELD
    chugai = PartneringMeeting.objects.get(mission=mission, counterpart_organisations__name="Chugai")
    assert chugai.starts_at == dt.datetime.combine(mission.start_date, dt.time(15, 15), TOKYO)

    counts = (PartneringMeeting.objects.count(), Organisation.objects.count(), Person.objects.count())
    again = importer.run("meetings", "platform.xlsx", xlsx_bytes(sheet), mission=mission)
    assert again.status == ImportJob.Status.DONE
    assert again.created_count == 0 and again.existing_count == 2
    assert (PartneringMeeting.objects.count(), Organisation.objects.count(), Person.objects.count()) == counts


def bad_rows(mission):
    return rows(mission) + [
        ["31/02/2026", "10:00", "T1", "Oscar Ces", "Eisai", "エーザイ", "", "Accepted"],
        [day(mission), "09:30", "T2", "Mickey Mouse", "Shionogi", "塩野義製薬", "", "Accepted"],
        [day(mission), "25:99", "T2", "Hannah Price", "Daiichi Sankyo", "第一三共", "", "Accepted"],
    ]


def test_bad_rows_are_reported_per_row_and_nothing_is_written(importer, mission):
    from .conftest import csv_bytes

    job = importer.upload_ok("meetings", "bad.csv", csv_bytes(bad_rows(mission)), mission=mission)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "“31/02/2026” is not a date" in preview
    assert "Unknown delegate “Mickey Mouse”: not on this mission&#x27;s delegate list." in preview
    assert "“25:99” is not a time" in preview
    assert 'data-row="5"' in preview and 'data-row="6"' in preview and 'data-row="7"' in preview

    response = importer.confirm(job)  # all or nothing: refused
    assert response.status_code == 400
    assert "3 row(s) have errors" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPED
    assert PartneringMeeting.objects.filter(mission=mission).count() == 0
    assert not Organisation.objects.filter(name__in=["Takeda Pharmaceutical", "Eisai"]).exists()


def test_skipping_bad_rows_imports_the_rest(importer, mission):
    from .conftest import csv_bytes

    job = importer.run("meetings", "bad.csv", csv_bytes(bad_rows(mission)), mission=mission, skip_bad_rows=True)
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 3 and job.skipped_count == 3
    assert [e["row"] for e in job.errors] == [5, 6, 7]
    assert PartneringMeeting.objects.filter(mission=mission).count() == 3
    assert not Organisation.objects.filter(name__in=["Eisai", "Shionogi", "Daiichi Sankyo"]).exists()
    detail = importer.client.get(f"/missions/imports/{job.pk}/").content.decode()
    assert "3 skipped because of errors" in detail and "Row 6: Unknown delegate" in detail


def test_a_missing_required_column_is_refused_at_the_mapping_step(importer, mission):
    from .conftest import csv_bytes

    data = csv_bytes([["Date", "Company"], [day(mission), "Takeda"]])
    job = importer.upload_ok("meetings", "short.csv", data, mission=mission)
    response = importer.submit_mapping(job)
    assert response.status_code == 400
    assert "Choose the column for “Our delegate(s)”." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def _us_rows(mission, dates):
    # An October mission, so that every date below is within its days.
    mission.start_date, mission.end_date = dt.date(2026, 10, 8), dt.date(2026, 10, 23)
    mission.save()
    return [HEADER] + [
        [date, f"{10 + i}:00", f"T{i}", "Oscar Ces", f"Company {i}", "", "", "Accepted"] for i, date in enumerate(dates)
    ]


def _csv(table):
    return "\n".join(",".join(r) for r in table).encode()


def test_a_us_file_is_recognised_as_month_first(importer, mission):
    """10/23/2026 can only be 23 October: the mapping page proposes month first and the
    meetings land on the right days, including the ambiguous 10/08 (8 October, not 10 August)."""
    table = _us_rows(mission, ["10/23/2026", "10/08/2026", "10/09/2026"])
    job = importer.upload_ok("meetings", "us-platform.csv", _csv(table), mission=mission)

    assert re.search(r'value="mdy"[^>]*checked', importer.mapping_page(job).content.decode())
    importer.submit_mapping(job)
    job.refresh_from_db()
    assert job.date_order == ImportJob.DateOrder.MONTH_FIRST
    importer.confirm(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    days = sorted(m.starts_at.astimezone(TOKYO).date() for m in PartneringMeeting.objects.filter(mission=mission))
    assert days == [dt.date(2026, 10, 8), dt.date(2026, 10, 9), dt.date(2026, 10, 23)]


def test_ambiguous_dates_are_day_first_unless_the_organiser_says_otherwise(importer, mission):
    job = importer.upload_ok("meetings", "ambiguous.csv", _csv(_us_rows(mission, ["10/08/2026"])), mission=mission)
    assert re.search(r'value="dmy"[^>]*checked', importer.mapping_page(job).content.decode())

    response = importer.submit_mapping(job, {"date_order": "mdy"})
    assert response.status_code == 302
    importer.confirm(job)
    meeting = PartneringMeeting.objects.get(mission=mission)
    assert meeting.starts_at.astimezone(TOKYO).date() == dt.date(2026, 10, 8)


def test_a_day_first_date_read_month_first_is_refused_with_the_order_named(importer, mission):
    job = importer.upload_ok("meetings", "wrong.csv", _csv(_us_rows(mission, ["23/10/2026"])), mission=mission)
    importer.submit_mapping(job, {"date_order": "mdy"})
    preview = importer.preview(job).content.decode()
    assert "“23/10/2026” is not a date" in preview and "month first" in preview
    assert not PartneringMeeting.objects.filter(mission=mission).exists()


def test_a_missing_or_invented_date_order_is_a_form_error(importer, mission):
    job = importer.upload_ok("meetings", "x.csv", _csv(_us_rows(mission, ["2026-10-08"])), mission=mission)
    response = importer.submit_mapping(job, {"date_order": "ymd-please"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
