"""User text is isolated wherever it is shown: a right-to-left override in a name
reverses the name itself, never the page's words, the next column or the email
around it (see tests/security/bidi.py for what "isolated" means)."""

from django.test import Client
from django.urls import reverse

from contacts.models import Person
from events.models import Mission
from followups.exports import pdf_html
from followups.models import FollowUp
from followups.report import mission_report

from ..conftest import PASSWORD
from ..reminders.conftest import day_after_end, dispatch, make_trip
from .bidi import RLO, bidi_problems, hostile, isolated_by_css
from .test_access_matrix import RULES

# Who opens each page: the one who may, in the order a page is most complete for.
VIEWERS = ["alice", "mary", "dave"]


def _pages(world):
    for name, rule in RULES.items():
        if rule.method != "get":
            continue
        viewer = next((v for v in VIEWERS if v in rule.allowed), None)
        if viewer:
            yield name, viewer, reverse(name, kwargs=rule.kwargs(world)), rule.data(world)


def test_the_checker_finds_unisolated_user_text():
    assert isolated_by_css(), "static/css/app.css isolates no inline element"
    name = hostile("Takeda")
    assert bidi_problems(f"<p>Met {name} in Tokyo</p>")  # the page's words follow in the same text
    assert bidi_problems(f"<p>Met <b>{name}</b> in Tokyo</p>", isolating=set())
    assert bidi_problems(f"<title>{name} · CRM</title>")
    assert not bidi_problems(f"<p>Met <bdi>{name}</bdi> in Tokyo</p>")
    assert not bidi_problems(f'<p>Met <span dir="auto">{name}</span> in Tokyo</p>', isolating=set())
    assert not bidi_problems(f"<td>{name}</td><td>Tokyo</td>")
    assert bidi_problems(f"<td>{name}, \u2068{name}\u2069</td>")  # the first one reaches the second
    assert not bidi_problems(f"<title>\u2068{name}\u2069 · CRM</title>")


def test_every_page_isolates_user_text(hostile_world):
    clients, problems, seen = {}, {}, 0
    for name, viewer, url, data in _pages(hostile_world):
        if viewer not in clients:
            clients[viewer] = Client()
            assert clients[viewer].login(username=viewer, password=PASSWORD)
        response = clients[viewer].get(url, data)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        seen += RLO in html
        if found := bidi_problems(html):
            problems[f"{name} as {viewer}"] = found[:5]
    assert seen >= 25, f"only {seen} pages showed the hostile values: the test no longer looks at them"
    assert not problems, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in problems.items())


def test_the_pdf_report_isolates_user_text(hostile_world):
    html = pdf_html(mission_report(mission=Mission.objects.get(pk=hostile_world.mission_a.pk)))
    assert RLO in html
    # WeasyPrint has no unicode-bidi: only blocks and Unicode isolates count.
    assert not bidi_problems(html, isolating=set())


def test_reminder_emails_isolate_user_text(db):
    trip = make_trip()
    Mission.objects.filter(pk=trip.mission.pk).update(title=hostile("Mission"))
    FollowUp.objects.filter(mission=trip.mission).update(title=hostile("FollowUp"))
    Person.objects.filter(pk=trip.lena.pk).update(family_name=hostile("Person"))
    messages = dispatch(day_after_end(1))
    assert {m.extra_headers["X-Delegation-CRM-Reminder"].split("/")[0] for m in messages} >= {"digest", "summary"}
    for message in messages:
        ((html, _),) = message.alternatives
        assert RLO in html
        assert not bidi_problems(html, isolating=set()), message.subject  # no stylesheet in an email
        assert "\u2069" in message.subject.split(RLO)[-1], f"the subject does not close the isolate: {message.subject}"
