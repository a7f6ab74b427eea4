"""Partnering platforms export both sides of each meeting (Participant A / Organisation A / …, B).
Which side is ours is read per row; End gives the duration; statuses map to ours."""

import datetime as dt
import re

import pytest

from contacts.models import Organisation
from events.models import Event, ImportJob, PartneringMeeting

from ..factories import DelegateFactory, EventFactory, OrganisationFactory, PersonFactory
from .conftest import csv_bytes

ENGLISH = ["Participant A", "Organisation A", "Country A", "Participant B", "Organisation B", "Country B",
           "Start", "End", "Status", "Table", "Rating"]  # fmt: skip
JAPANESE = ["参加者A", "組織A", "国A", "参加者B", "組織B", "国B", "開始", "終了", "ステータス", "テーブル", "評価"]


@pytest.fixture
def mission(world):
    mission = world.mission_a
    imperial = OrganisationFactory(name="Imperial College London", country="GB")
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces", organisation=imperial))
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Hannah", family_name="Price"))
    start = dt.datetime.combine(mission.start_date, dt.time(9), mission.tz)
    EventFactory(mission=mission, kind=Event.Kind.PARTNERING, title="Partnering", starts_at=start,
                 ends_at=start + dt.timedelta(hours=9))  # fmt: skip
    return mission


def at(mission, hour, minute=0, days=0):
    return f"{mission.start_date + dt.timedelta(days=days):%Y-%m-%d} {hour:02d}:{minute:02d}"


def export(mission):
    return [
        # ours on side A, by name
        ["Oscar Ces", "Imperial College London", "United Kingdom", "Ken Sato", "Takeda Pharmaceutical Co., Ltd.",
         "Japan", at(mission, 10), at(mission, 10, 45), "Accepted", "T12", "5"],
        # ours on side B, known by our organisation only... and by name
        ["Yuko Tanaka", "Chugai Pharmaceutical", "Japan", "Hannah Price", "", "", at(mission, 11), at(mission, 11, 20),
         "Declined", "T3", ""],
        # a US counterpart: its country comes from its side
        ["Oscar Ces", "Imperial College London", "UK", "Jane Doe", "Illumina Inc.", "United States",
         at(mission, 14), at(mission, 14, 30), "No-show", "T1", ""],
    ]  # fmt: skip


def test_the_columns_of_a_two_sided_export_are_guessed_with_our_side_left_to_the_rows(importer, mission):
    job = importer.upload_ok("meetings", "b2match.csv", csv_bytes([ENGLISH, *export(mission)], encoding="utf-8-sig"),
                             mission=mission)  # fmt: skip
    assert {k: v for k, v in job.mapping.items()} == {
        "date": "Start",
        "end": "End",
        "status": "Status",
        "table": "Table",
        **{f"{part}_{side}": f"{label} {side.upper()}" for side in "ab"
           for part, label in (("participant", "Participant"), ("organisation", "Organisation"), ("country", "Country"))},
    }  # fmt: skip
    page = importer.mapping_page(job).content.decode()
    assert "Which side of each meeting is ours?" in page


def test_a_two_sided_export_imports_their_side_as_the_counterpart(importer, mission):
    takeda = OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP")
    job = importer.run("meetings", "b2match.csv", csv_bytes([ENGLISH, *export(mission)], encoding="utf-8-sig"),
                       mission=mission)  # fmt: skip
    assert job.status == ImportJob.Status.DONE, job.errors
    meetings = list(PartneringMeeting.objects.filter(mission=mission).order_by("starts_at"))
    assert [m.duration_minutes for m in meetings] == [45, 20, 30]
    assert [m.status for m in meetings] == ["held", "cancelled", "no_show"]  # accepted and past: held
    first, second, third = meetings
    assert list(first.counterpart_organisations.all()) == [takeda]
    assert first.counterpart_people.get().family_name == "Sato"
    assert [d.person.family_name for d in first.delegates.all()] == ["Ces"]
    assert second.counterpart_organisations.get().name == "Chugai Pharmaceutical"
    assert [d.person.family_name for d in second.delegates.all()] == ["Price"]
    assert third.counterpart_organisations.get().country.code == "US"
    # Our own organisation is never recorded as a counterpart.
    assert not PartneringMeeting.objects.filter(counterpart_organisations__name="Imperial College London").exists()


def test_japanese_headers_in_shift_jis(importer, mission):
    rows = [["Oscar Ces", "Imperial College London", "英国", "佐藤 健", "武田薬品工業株式会社", "日本",
             at(mission, 10), at(mission, 10, 40), "確定", "T12", ""]]  # fmt: skip
    job = importer.upload_ok("meetings", "jp.csv", csv_bytes([JAPANESE, *rows], encoding="shift_jis"),
                             mission=mission, encoding="shift_jis")  # fmt: skip
    assert job.mapping["organisation_b"] == "組織B" and job.mapping["date"] == "開始" and job.mapping["end"] == "終了"
    importer.submit_mapping(job)
    importer.confirm(job)
    meeting = PartneringMeeting.objects.get(mission=mission)
    assert meeting.duration_minutes == 40 and meeting.status == "held"
    assert meeting.counterpart_organisations.get().name_native == "武田薬品工業株式会社"
    assert meeting.counterpart_people.get().full_name == "佐藤 健"


def test_rows_that_cannot_be_right_are_errors_and_nothing_is_written(importer, mission):
    rows = [
        ["Oscar Ces", "Imperial College London", "UK", "Ken Sato", "Takeda", "Japan",
         at(mission, 10, 30), at(mission, 10), "Accepted", "", ""],  # ends before it starts
        ["Oscar Ces", "Imperial College London", "UK", "Ken Sato", "Takeda", "Japan",
         at(mission, 10, days=-700), at(mission, 10, 30, days=-700), "Accepted", "", ""],  # two years away
        ["Mickey Mouse", "Disney", "US", "Ken Sato", "Takeda", "Japan", at(mission, 12), at(mission, 12, 30), "", "", ""],
        ["Oscar Ces", "Imperial College London", "UK", "Hannah Price", "", "", at(mission, 13), at(mission, 13, 30),
         "", "", ""],  # both sides are ours
    ]  # fmt: skip
    job = importer.upload_ok("meetings", "bad.csv", csv_bytes([ENGLISH, *rows]), mission=mission)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "It ends (10:00) before it starts (10:30)" in preview
    assert re.search(r"is outside the mission&#x27;s dates|is outside the mission's dates", preview)
    assert "Neither side is ours" in preview and "Mickey Mouse, Disney" in preview
    assert "Both sides look like ours" in preview
    assert "Our delegate is missing" not in preview and "The company is missing" not in preview
    before = Organisation.objects.count()
    importer.confirm(job)
    job.refresh_from_db()
    assert not PartneringMeeting.objects.filter(mission=mission).exists()
    assert Organisation.objects.count() == before


def test_the_organiser_can_say_which_side_is_ours(importer, mission):
    rows = [["Ken Sato", "Takeda", "Japan", "Dr Someone New", "UK Biotech Ltd", "UK",
             at(mission, 10), at(mission, 10, 30), "", "", ""]]  # fmt: skip
    job = importer.upload_ok("meetings", "b.csv", csv_bytes([ENGLISH, *rows]), mission=mission)
    importer.submit_mapping(job)
    assert "Neither side is ours" in importer.preview(job).content.decode()
    importer.submit_mapping(job, {"our_side": "b"})
    job.refresh_from_db()
    assert job.our_side == "b"
    preview = importer.preview(job).content.decode()
    assert "Neither side is ours" not in preview
    assert "Unknown delegate “Dr Someone New”" in preview  # side B is ours, but they are not on the list


def test_half_a_two_sided_mapping_is_refused_at_the_columns_step(importer, mission):
    job = importer.upload_ok("meetings", "b.csv", csv_bytes([ENGLISH, *export(mission)]), mission=mission)
    response = importer.submit_mapping(job, {"organisation_b": ""})
    assert response.status_code == 400
    assert "A two-sided export needs all four columns: choose Organisation B." in response.content.decode()


def add_delegate(importer, job, row, name):
    from django.urls import reverse

    url = reverse("events:import-add-delegate", kwargs={"job_pk": job.pk})
    return importer.client.post(url, {"row": row, "name": name}, follow=True).content.decode()


def test_an_unknown_delegate_of_our_organisation_is_added_to_the_mission_from_the_preview(importer, mission):
    rows = [["Amelia Clarke", "Imperial College London", "UK", "Ken Sato", "Takeda", "Japan",
             at(mission, 10), at(mission, 10, 30), "", "", ""]]  # fmt: skip
    job = importer.upload_ok("meetings", "b.csv", csv_bytes([ENGLISH, *rows]), mission=mission)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "Unknown delegate “Amelia Clarke”" in preview
    assert "Add Amelia Clarke to the mission's delegates" in preview

    html = add_delegate(importer, job, 2, "Amelia Clarke")
    assert "Amelia Clarke is now a delegate of" in html and "Unknown delegate" not in html
    delegate = mission.delegates.get(person__family_name="Clarke")
    assert delegate.person.organisation.name == "Imperial College London"
    importer.confirm(job)
    assert [d.pk for d in PartneringMeeting.objects.get(mission=mission).delegates.all()] == [delegate.pk]


@pytest.mark.parametrize(("row", "name"), [(2, "Somebody Else"), (9, "Amelia Clarke"), ("x", "Amelia Clarke")])
def test_adding_a_delegate_the_file_does_not_name_changes_nothing(importer, mission, row, name):
    rows = [["Amelia Clarke", "Imperial College London", "UK", "Ken Sato", "Takeda", "Japan",
             at(mission, 10), at(mission, 10, 30), "", "", ""]]  # fmt: skip
    job = importer.upload_ok("meetings", "b.csv", csv_bytes([ENGLISH, *rows]), mission=mission)
    importer.submit_mapping(job)
    before = mission.delegates.count()
    assert "is not an unknown delegate of this file" in add_delegate(importer, job, row, name)
    assert mission.delegates.count() == before


def test_reimporting_a_two_sided_export_creates_no_second_person(importer, mission):
    data = csv_bytes([ENGLISH, *export(mission)], encoding="utf-8-sig")
    importer.run("meetings", "b2match.csv", data, mission=mission)
    from contacts.models import Person

    counts = (Person.objects.count(), Organisation.objects.count(), PartneringMeeting.objects.count())
    again = importer.run("meetings", "b2match-again.csv", data + b"\r\n", mission=mission)
    assert again.created_count == 0
    assert (Person.objects.count(), Organisation.objects.count(), PartneringMeeting.objects.count()) == counts
