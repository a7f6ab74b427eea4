"""Who may open a mission's report and its exports: managers for every mission,
organisers for their own; delegates and other missions' organisers never."""

import pytest
from django.urls import reverse

from followups.models import ReportExport

from ..conftest import PASSWORD

FORMATS = ["csv", "xlsx", "pdf"]


def urls(world, export):
    a = world.mission_a
    return [
        ("get", reverse("followups:mission-report", kwargs={"pk": a.pk})),
        ("get", reverse("followups:mission-report-compare", kwargs={"pk": a.pk}) + f"?other={world.mission_b.pk}"),
        *[("post", reverse("followups:mission-report-export", kwargs={"pk": a.pk, "fmt": f})) for f in FORMATS],
        ("get", reverse("followups:report-export-status", kwargs={"pk": export.pk})),
        ("get", reverse("followups:report-export-download", kwargs={"pk": export.pk})),
    ]


@pytest.fixture
def export(world):
    return ReportExport.objects.create(mission=world.mission_a, requested_by=world.alice, format="csv")


@pytest.mark.parametrize("persona", ["dave", "erin", "oliver", "nobody"])
def test_delegates_and_other_organisers_reach_no_report_or_export(client, world, export, persona):
    assert client.login(username=persona, password=PASSWORD)
    for method, url in urls(world, export):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), (persona, url, response.status_code)
    assert ReportExport.objects.count() == 1  # nothing was exported or logged


def test_delegate_on_the_mission_is_told_it_is_forbidden(client, world):
    # dave can see mission A, so its report is a 403 (not a 404) for him.
    client.login(username="dave", password=PASSWORD)
    assert client.get(reverse("followups:mission-report", kwargs={"pk": world.mission_a.pk})).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world, export):
    for method, url in urls(world, export):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("persona", ["alice", "mary"])
def test_organiser_and_manager_export_and_each_export_is_logged(client, world, persona):
    client.login(username=persona, password=PASSWORD)
    for fmt in FORMATS:
        url = reverse("followups:mission-report-export", kwargs={"pk": world.mission_a.pk, "fmt": fmt})
        response = client.post(url)
        assert response.status_code == 200, fmt
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    logs = ReportExport.objects.filter(mission=world.mission_a, requested_by__username=persona)
    assert sorted(logs.values_list("format", flat=True)) == sorted(FORMATS)


def test_organiser_cannot_compare_with_a_mission_they_do_not_organise(client, world):
    client.login(username="alice", password=PASSWORD)
    url = reverse("followups:mission-report-compare", kwargs={"pk": world.mission_a.pk})
    response = client.get(url, {"other": world.mission_b.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of your missions to compare with." in html
    assert world.mission_b.title not in html
