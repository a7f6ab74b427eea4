import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from contacts.models import User
from events.models import Mission
from followups.demo import UK_MISSION, UK_PREVIOUS_MISSION


@pytest.fixture
def demo(db):
    """The demo missions; returns this year's UK mission."""
    call_command("load_demo", verbosity=0)
    return Mission.objects.get(title=UK_MISSION)


@pytest.fixture
def previous_mission(demo):
    return Mission.objects.get(title=UK_PREVIOUS_MISSION)


@pytest.fixture
def manager_client(client, demo):
    client.force_login(User.objects.get(username="manager"))
    return client


@pytest.fixture
def media(settings, tmp_path):
    """Generated files go to a fresh folder through Django's default storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def report_url(mission, **query):
    url = reverse("followups:mission-report", kwargs={"pk": mission.pk})
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def export_url(mission, fmt):
    return reverse("followups:mission-report-export", kwargs={"pk": mission.pk, "fmt": fmt})


def number(text) -> Decimal | None:
    """A figure as shown anywhere (1,234 / 1234.00 / '–') as a number."""
    text = str(text).strip().replace(",", "")
    if text in ("", "–", "None"):
        return None
    return Decimal(text)


def page_kpis(html: str) -> dict[str, Decimal | None]:
    found = re.findall(r'<dd data-kpi="([^"]+)">\s*([^<]*?)\s*</dd>', html)
    assert found, "no key figures on the page"
    return {label.replace("&#x27;", "'"): number(value) for label, value in found}
