"""The report page of the demo mission: figures, charts, filters, comparison,
and a query count that does not grow with the number of meetings."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import PartneringMeeting
from tests.factories import MeetingFactory, OrganisationFactory, SectorFactory

from .conftest import page_kpis, report_url


def test_report_shows_the_demo_missions_results(manager_client, demo):
    response = manager_client.get(report_url(demo))
    assert response.status_code == 200
    kpis = page_kpis(response.content.decode())
    assert kpis["Delegates"] == 11
    assert kpis["Partnering meetings held"] == 6  # the no-show and the cancelled meeting do not count
    assert kpis["Counterpart organisations met"] == 6
    assert kpis["Stand enquiries"] == 2
    assert kpis["Follow-ups created"] == 11
    assert kpis["Follow-ups done"] == 3
    assert kpis["Follow-ups overdue"] == 2
    assert kpis["Outcomes"] == 4
    assert kpis["Jobs created or safeguarded"] == 9
    # Per currency, never added together.
    assert kpis["Outcome value (GBP)"] == Decimal("750000")
    assert kpis["Outcome value (JPY)"] == Decimal("45000000")
    html = response.content.decode()
    assert "45,750,000" not in html and "45750000" not in html
    # The four charts are drawn on the server.
    assert html.count('class="report-chart"') == 4
    assert "Partnering meetings held per day" in html
    # The quotes and the Japanese names of the counterparts' sectors/organisations.
    assert "Martin Turner, Policy and Projects Manager" in html


def test_median_days_to_done_is_measured_from_the_meeting(manager_client, demo):
    kpis = page_kpis(manager_client.get(report_url(demo)).content.decode())
    median = kpis["Median days to complete a follow-up"]
    # The demo's meetings were 1 to 3 days ago and its done follow-ups were completed
    # yesterday: measured from the meeting, not from when the row was created (today).
    assert median is not None and Decimal(1) < median < Decimal(4)


def test_event_filter_narrows_meetings_and_followups(manager_client, demo):
    partnering = demo.events.get(title="BioJapan partnering")
    kpis = page_kpis(manager_client.get(report_url(demo, event=partnering.pk)).content.decode())
    assert kpis["Partnering meetings held"] == 5  # the LINK-J meeting was not at an event
    assert kpis["Events"] == 1
    assert kpis["Stand enquiries"] == 0  # asked at the pavilion
    assert kpis["Follow-ups created"] == 8  # from the partnering meetings only
    assert kpis["Delegates"] == 11  # the roster is the mission's


def test_date_filter_uses_the_missions_days(manager_client, demo):
    first_day = demo.start_date  # the LINK-J meeting in Tokyo
    kpis = page_kpis(manager_client.get(report_url(demo, date_from=first_day, date_to=first_day)).content.decode())
    assert kpis["Partnering meetings held"] == 1


def test_bad_filters_give_a_message_not_an_error(manager_client, demo, previous_mission):
    other_event = previous_mission.events.first()
    for query in (
        {"date_from": "yesterday"},
        {"date_from": "2026-13-45"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"event": other_event.pk},
        {"event": "abc"},
    ):
        response = manager_client.get(report_url(demo, **query))
        assert response.status_code == 200, query
        html = response.content.decode()
        assert "Some filters were not valid" in html, query
        assert page_kpis(html)["Partnering meetings held"] == 6  # the whole mission instead
    html = manager_client.get(report_url(demo, date_from="2026-05-02", date_to="2026-05-01")).content.decode()
    assert "The start date must not be after the end date." in html
    assert 'value="2026-05-02"' in html  # what the user typed stays in the form


def test_comparison_shows_last_years_mission_beside_this_years(manager_client, demo, previous_mission):
    url = reverse("followups:mission-report-compare", kwargs={"pk": demo.pk})
    response = manager_client.get(url, {"other": previous_mission.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert previous_mission.title in html and demo.title in html
    # Older mission on the left; both meeting counts; the change between them.
    assert html.index(previous_mission.title) < html.index(f">{demo.title}<")
    row = html[html.index("Partnering meetings held") :].split("</tr>")[0]
    assert ">4<" in row and ">6<" in row and "+2" in row
    assert html.count('class="report-chart"') == 6


def test_comparison_with_a_bad_choice_gives_a_message(manager_client, demo):
    url = reverse("followups:mission-report-compare", kwargs={"pk": demo.pk})
    for other in ("nope", demo.pk, 999999):
        response = manager_client.get(url, {"other": other})
        assert response.status_code == 200
        assert "Choose one of your missions to compare with." in response.content.decode()


def _add_meetings(mission, n):
    organisers = list(mission.delegates.all()[:3])
    event = mission.events.first()
    sector = SectorFactory(name="Extra sector", slug="extra-sector")
    for i in range(n):
        org = OrganisationFactory(country="JP" if i % 2 else "KR")
        org.sectors.add(sector)
        meeting = MeetingFactory(
            mission=mission,
            event=event,
            starts_at=event.starts_at + timedelta(days=i % 3, hours=i % 5),
            status=PartneringMeeting.Status.HELD,
        )
        meeting.delegates.set(organisers)
        meeting.counterpart_organisations.add(org)
        meeting.sectors.add(sector)


def test_report_page_query_count_does_not_grow_with_meetings(manager_client, demo, django_assert_num_queries):
    url = report_url(demo)
    manager_client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        manager_client.get(url)
    _add_meetings(demo, 40)
    with django_assert_num_queries(len(before.captured_queries)):
        response = manager_client.get(url)
    assert page_kpis(response.content.decode())["Partnering meetings held"] == 46
    # Pinned: a new query on this page should be a decision, not an accident.
    assert len(before.captured_queries) == 23, [q["sql"][:80] for q in before.captured_queries]


def test_mission_pages_link_to_the_report(manager_client, demo):
    url = report_url(demo)
    assert url in manager_client.get(reverse("events:mission-list")).content.decode()
    assert url in manager_client.get(reverse("events:mission-detail", kwargs={"pk": demo.pk})).content.decode()
