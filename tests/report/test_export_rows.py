"""The detailed tables of every export are read in one query each, with the
names joined by the database. Here they are checked row by row against the
same rows built from model instances with the models' own name properties
(Organisation.__str__, Person.full_name, Person.display_name), on the demo
mission plus the awkward cases: family-name-first people with an honorific, a
person with no given name, a native name equal to the romanised one, follow-ups
from enquiries with and without an organisation or from nothing, a meeting
with no counterpart, a delegate with no organisation."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Organisation, Person, Sector
from events.models import Delegate, Enquiry, PartneringMeeting
from followups.exports import pdf_sections, write_csv
from followups.models import FollowUp, Outcome
from followups.report import (
    ReportFilters,
    delegate_table,
    followup_table,
    meeting_table,
    mission_report,
    organisation_table,
    outcome_table,
    report_followups,
    report_meetings,
    report_outcomes,
    report_tables,
)


def local(dt, mission):
    return timezone.localtime(dt, mission.tz).replace(tzinfo=None) if dt else None


def names(items) -> str:
    return "; ".join(items)


def org_name(org) -> str:
    return str(org) if org else ""


def expected_meetings(mission, filters):
    rows = []
    for m in report_meetings(mission, filters).order_by("starts_at", "pk"):
        rows.append(
            [
                local(m.starts_at, mission),
                m.event.title if m.event else "",
                m.location,
                m.get_status_display(),
                names(str(o) for o in m.counterpart_organisations.order_by("name", "pk")),
                names(p.display_name for p in m.counterpart_people.order_by("family_name", "given_name", "pk")),
                names(
                    d.person.full_name for d in m.delegates.order_by("person__family_name", "person__given_name", "pk")
                ),
                names(s.name for s in m.sectors.order_by("name")),
                m.topic,
                m.get_interest_display() if m.interest else "",
                m.next_steps,
                m.notes,
                m.duration_minutes,
            ]
        )
    return rows


def expected_followups(mission, filters, today):
    rows = []
    for f in report_followups(mission, filters).order_by("due_on", "pk"):
        if f.meeting_id:
            source = names(str(o) for o in f.meeting.counterpart_organisations.order_by("name", "pk"))
        elif f.enquiry_id:
            source = org_name(f.enquiry.organisation) or f.enquiry.asker_name
        else:
            source = ""
        overdue = f.status == FollowUp.Status.OPEN and f.due_on < today
        rows.append(
            [
                f.title,
                f.assignee.person.full_name,
                source,
                f.due_on,
                f.get_status_display() + (" (overdue)" if overdue else ""),
                f.get_priority_display(),
                local(f.completed_at, mission),
                f.completion_note,
            ]
        )
    return rows


def expected_outcomes(mission, filters):
    outcomes = Outcome.objects.filter(pk__in=report_outcomes(mission, filters).values("pk"))
    return [
        [
            o.achieved_on,
            o.get_kind_display(),
            o.title,
            names(str(org) for org in o.organisations.order_by("name", "pk")),
            o.value,
            o.currency,
            o.jobs,
            o.description,
        ]
        for o in outcomes.order_by("achieved_on", "pk")
    ]


def expected_organisations(mission, filters):
    held = report_meetings(mission, filters).filter(status=PartneringMeeting.Status.HELD)
    met = {}
    for meeting in held.prefetch_related("counterpart_organisations"):
        for org in meeting.counterpart_organisations.all():
            met.setdefault(org, set()).add(meeting.pk)
    ordered = sorted(met.items(), key=lambda item: (-len(item[1]), item[0].name, item[0].pk))
    return [
        [
            o.name,
            o.name_native,
            o.get_kind_display(),
            o.country.name if o.country else "",
            o.city,
            names(s.name for s in o.sectors.order_by("name")),
            len(meetings),
        ]
        for o, meetings in ordered
    ]


def expected_delegates(mission, filters):
    held = set(
        report_meetings(mission, filters).filter(status=PartneringMeeting.Status.HELD).values_list("pk", flat=True)
    )
    rows = []
    for d in Delegate.objects.filter(mission=mission).order_by("person__family_name", "person__given_name", "pk"):
        org = d.person.organisation
        rows.append(
            [
                d.person.full_name,
                d.person.name_native,
                d.get_role_display(),
                d.person.job_title,
                org_name(org),
                org.get_kind_display() if org else "",
                len(held & set(d.meetings.values_list("pk", flat=True))),
            ]
        )
    return rows


@pytest.fixture
def awkward(demo):
    """Records whose names the SQL expressions could get wrong."""
    sato = Person.objects.create(
        honorific="様", given_name="健", family_name="佐藤", name_order=Person.NameOrder.FAMILY_FIRST
    )
    smith = Person.objects.create(honorific="Dr", family_name="Smith", name_native="スミス")
    plain = Organisation.objects.create(name="Sysmex", name_native="Sysmex", kind=Organisation.Kind.COMPANY)
    hostile = Organisation.objects.create(name="=1+2", name_native="イコール", country="JP")
    hostile.sectors.add(Sector.objects.order_by("name").first())
    loner = Delegate.objects.create(
        mission=demo, person=Person.objects.create(given_name="Ann", family_name="Alone", organisation=None)
    )
    starts = datetime.combine(demo.start_date, time(10), demo.tz)
    meeting = PartneringMeeting.objects.create(mission=demo, starts_at=starts, topic="Awkward names", interest=3)
    meeting.counterpart_organisations.add(plain, hostile)
    meeting.counterpart_people.add(sato, smith)
    meeting.delegates.add(loner, *demo.delegates.exclude(pk=loner.pk)[:2])
    PartneringMeeting.objects.create(mission=demo, starts_at=starts + timedelta(hours=1), topic="Nobody came")
    with_org = Enquiry.objects.create(
        mission=demo, asked_at=starts, question="Licensing?", asker_name="Ms Ito", organisation=hostile
    )
    without_org = Enquiry.objects.create(mission=demo, asked_at=starts, question="Office space?", asker_name="Walk-in")
    for title, source in [("From the enquiry", with_org), ("From the walk-in", without_org), ("From nowhere", None)]:
        FollowUp.objects.create(
            mission=demo, enquiry=source, assignee=loner, title=title, due_on=demo.start_date - timedelta(days=1)
        )
    outcome = Outcome.objects.create(
        mission=demo, meeting=meeting, kind=Outcome.Kind.choices[0][0], title="Two partners", achieved_on=demo.end_date
    )
    outcome.organisations.add(plain, hostile)
    return demo


@pytest.mark.parametrize("filtered", [False, True], ids=["whole mission", "one event, from the first day"])
def test_detailed_tables_match_the_rows_built_from_the_models(awkward, filtered):
    mission = awkward
    event = mission.events.get(title="BioJapan partnering")
    filters = ReportFilters(event=event, date_from=mission.start_date) if filtered else ReportFilters()
    today = mission.end_date

    meetings = list(meeting_table(mission, filters).rows)
    assert meetings == expected_meetings(mission, filters)
    followups = list(followup_table(mission, filters, today).rows)
    assert followups == expected_followups(mission, filters, today)
    assert list(outcome_table(mission, filters).rows) == expected_outcomes(mission, filters)
    assert list(organisation_table(mission, filters).rows) == expected_organisations(mission, filters)
    assert list(delegate_table(mission, filters).rows) == expected_delegates(mission, filters)

    if not filtered:
        by_topic = {row[8]: row for row in meetings}
        awkward_meeting = by_topic["Awkward names"]
        assert awkward_meeting[4] == "=1+2 (イコール); Sysmex"
        assert awkward_meeting[5] == "Dr Smith (スミス); 佐藤 健"
        assert by_topic["Nobody came"][4:8] == ["", "", "", ""]
        sources = {row[0]: row[2] for row in followups}
        assert sources == sources | {
            "From the enquiry": "=1+2 (イコール)",
            "From the walk-in": "Walk-in",
            "From nowhere": "",
        }


def test_every_count_is_the_number_of_rows_written(awkward):
    report = mission_report(mission=awkward, today=awkward.end_date)
    for table in report_tables(report):
        assert len(list(table.rows)) == table.count, table.title
    # The PDF reads only the first rows of each detailed table; the count stays the total.
    for whole, head in zip(report_tables(report), report_tables(report, limit=3), strict=True):
        if whole.key != "summary":
            assert list(head.rows) == list(whole.rows)[:3] and head.count == whole.count, whole.title


def test_csv_reads_each_table_in_one_query(awkward):
    """However many meetings: a fixed number of queries for the report and the tables."""
    report = mission_report(mission=awkward)

    class Sink:
        def write(self, data):
            pass

    with CaptureQueriesContext(connection) as queries:
        write_csv(report, Sink())
    # Five detailed tables, one query each; the counts come from the report.
    assert len(queries) == 5, [q["sql"][:80] for q in queries]


def test_pdf_tables_print_the_main_columns_with_numbers_aligned(awkward):
    report = mission_report(mission=awkward, today=awkward.end_date)
    sections = {s.title: s for s in pdf_sections(report_tables(report, limit=2), 2)}
    headers = {title: [text for _, text in s.headers] for title, s in sections.items()}
    assert headers["Partnering meetings"] == [
        "Starts (Asia/Tokyo)",
        "Event",
        "Status",
        "Counterpart organisations",
        "Our delegates",
        "Topic",
        "Interest",
    ]
    assert headers["Follow-ups"] == [
        "Follow-up",
        "Assigned to",
        "Counterpart",
        "Due",
        "Status",
        "Completed (Asia/Tokyo)",
    ]
    assert "Description" not in headers["Outcomes"] and "Value" in headers["Outcomes"]
    for section in sections.values():
        assert sum(section.widths) <= 100 and len(section.widths) == len(section.headers)
    organisations = sections["Counterpart organisations"]
    assert organisations.headers[-1] == ("num", "Meetings held") and organisations.rows[0][-1][0] == "num nowrap"
    assert organisations.more == report.counterparts - 2
