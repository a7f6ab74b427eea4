"""Every URL name × every persona, generated from the URL configuration.

A view added without a rule here fails `test_every_url_has_a_rule`, so no page
ships without somebody deciding who may open it. Each rule names the objects
its URL needs (taken from mission A, which alice organises and dave attends)
and the personas allowed; everyone else must get a 403 or 404 (anonymous: the
sign-in page), never the page.

Personas: anonymous; dave, a delegate on A; erin, a delegate on B; alice, who
organises A; oliver, who organises B; mary, a manager.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..conftest import PASSWORD

PERSONAS = ["anonymous", "dave", "erin", "alice", "oliver", "mary"]
EVERYONE_SIGNED_IN = {"dave", "erin", "alice", "oliver", "mary"}
ON_MISSION_A = {"dave", "alice", "mary"}
ORGANISES_A = {"alice", "mary"}
MANAGERS = {"mary"}
DIRECTORY_EDITORS = {"alice", "oliver", "mary"}  # account role organiser, or manager

# Reached without signing in by design (sign-in, password reset); tested in test_accounts.py.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Reminder emails: the opt-out link carries a signed token instead of a login;
    # tests/reminders/test_reminder_pages.py checks it works once and cannot be forged.
    "followups:reminders-opt-out",
    "events:invite-accept",  # the invitation link: its token is the key; tested in tests/missions/
}


@dataclass(frozen=True)
class Rule:
    allowed: set[str]
    kwargs: Callable[[object], dict] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[object], dict] = field(default=lambda w: {})


RULES: dict[str, Rule] = {
    "home": Rule(EVERYONE_SIGNED_IN),
    "password_change": Rule(EVERYONE_SIGNED_IN),
    "password_change_done": Rule(EVERYONE_SIGNED_IN),
    "events:mission-list": Rule(EVERYONE_SIGNED_IN),
    "events:mission-detail": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "followups:my-followups": Rule(EVERYONE_SIGNED_IN),
    # Contacts directory: everyone signed in browses and adds; organisers (account role) and managers
    # change existing records and merge them.
    "contacts:organisation-list": Rule(EVERYONE_SIGNED_IN),
    "contacts:organisation-create": Rule(EVERYONE_SIGNED_IN),
    "contacts:organisation-detail": Rule(EVERYONE_SIGNED_IN, kwargs=lambda w: {"pk": w.organisation.pk}),
    "contacts:organisation-update": Rule(DIRECTORY_EDITORS, kwargs=lambda w: {"pk": w.organisation.pk}),
    "contacts:organisation-merge": Rule(DIRECTORY_EDITORS, kwargs=lambda w: {"pk": w.organisation.pk}),
    "contacts:organisation-merge-compare": Rule(
        DIRECTORY_EDITORS, kwargs=lambda w: {"pk": w.organisation.pk, "other_pk": w.other_organisation.pk}
    ),
    "contacts:person-list": Rule(EVERYONE_SIGNED_IN),
    "contacts:person-create": Rule(EVERYONE_SIGNED_IN),
    "contacts:person-detail": Rule(EVERYONE_SIGNED_IN, kwargs=lambda w: {"pk": w.person.pk}),
    "contacts:person-update": Rule(DIRECTORY_EDITORS, kwargs=lambda w: {"pk": w.person.pk}),
    "contacts:person-merge": Rule(DIRECTORY_EDITORS, kwargs=lambda w: {"pk": w.person.pk}),
    "contacts:person-merge-compare": Rule(
        DIRECTORY_EDITORS, kwargs=lambda w: {"pk": w.person.pk, "other_pk": w.other_person.pk}
    ),
    # Follow-ups, outcomes and the calendar feed. world.followup is dave's, on A: dave, A's organisers and
    # managers may act on it; reassigning, the mission lists and outcomes are for A's organisers and managers.
    "followups:followup-detail": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.followup.pk}),
    "followups:followup-complete": Rule(
        ON_MISSION_A, kwargs=lambda w: {"pk": w.followup.pk}, method="post", data=lambda w: {"note": "Sent."}
    ),
    "followups:followup-reopen": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.followup.pk}, method="post"),
    "followups:followup-snooze": Rule(
        ON_MISSION_A,
        kwargs=lambda w: {"pk": w.followup.pk},
        method="post",
        data=lambda w: {"due_on": (w.followup.due_on + timedelta(days=7)).isoformat()},
    ),
    "followups:followup-add-note": Rule(
        ON_MISSION_A, kwargs=lambda w: {"pk": w.followup.pk}, method="post", data=lambda w: {"text": "Called them."}
    ),
    "followups:followup-reassign": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.followup.pk}),
    "followups:followup-outcome": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.followup.pk}),
    "followups:mission-followups": Rule(ORGANISES_A, kwargs=lambda w: {"mission_pk": w.mission_a.pk}),
    "followups:mission-followups-bulk": Rule(
        ORGANISES_A,
        kwargs=lambda w: {"mission_pk": w.mission_a.pk},
        method="post",
        data=lambda w: {"action": "complete", "selected": [w.followup.pk]},
    ),
    "followups:mission-outcomes": Rule(ORGANISES_A, kwargs=lambda w: {"mission_pk": w.mission_a.pk}),
    "followups:outcome-create": Rule(ORGANISES_A, kwargs=lambda w: {"mission_pk": w.mission_a.pk}),
    "followups:outcome-edit": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.outcome.pk}),
    "followups:calendar-settings": Rule(EVERYONE_SIGNED_IN),
    "followups:calendar-reset": Rule(EVERYONE_SIGNED_IN, method="post"),
    # The feed is reached by its secret token alone (calendar apps have no session); wrong tokens: tests/followups.
    "followups:calendar-feed": Rule(set(PERSONAS), kwargs=lambda w: {"token": w.dave.calendar_token}),
    # Partnering meetings, stand enquiries, typeahead (meetings area)
    "meetings:list": Rule(EVERYONE_SIGNED_IN),
    "meetings:log": Rule(ON_MISSION_A, data=lambda w: {"mission": w.mission_a.pk}),
    "meetings:detail": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.meeting.pk}),
    "meetings:edit": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.meeting.pk}),
    "meetings:enquiry-list": Rule(ON_MISSION_A, data=lambda w: {"mission": w.mission_a.pk}),
    "meetings:enquiry-new": Rule(ON_MISSION_A, data=lambda w: {"mission": w.mission_a.pk}),
    "contacts:organisation-lookup": Rule(EVERYONE_SIGNED_IN, data=lambda w: {"q": "武田"}),
    "contacts:organisation-create-inline": Rule(EVERYONE_SIGNED_IN, data=lambda w: {"q": "武田"}),
    "contacts:person-lookup": Rule(EVERYONE_SIGNED_IN, data=lambda w: {"q": "Sato"}),
    "contacts:person-create-inline": Rule(EVERYONE_SIGNED_IN, data=lambda w: {"q": "佐藤"}),
    # Reminder emails: the mission's organisers and managers only.
    "followups:mission-reminders": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "followups:reminder-resend": Rule(
        ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk, "reminder_pk": w.reminder.pk}, method="post"
    ),
    # Imports: a mission's organisers and managers import into it; contacts: organisers (account role), managers.
    "events:import-start": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk, "kind": "meetings"}),
    "events:contacts-import-start": Rule({"alice", "oliver", "mary"}),
    "events:import-detail": Rule(ORGANISES_A, kwargs=lambda w: {"job_pk": w.import_job.pk}),
    "events:import-mapping": Rule(ORGANISES_A, kwargs=lambda w: {"job_pk": w.import_job.pk}),
    "events:import-preview": Rule(ORGANISES_A, kwargs=lambda w: {"job_pk": w.import_job.pk}),
    "events:import-progress": Rule(ORGANISES_A, kwargs=lambda w: {"job_pk": w.import_job.pk}),
    "events:import-match": Rule(ORGANISES_A, kwargs=lambda w: {"job_pk": w.import_job.pk}, method="post"),
    "events:import-add-delegate": Rule(ORGANISES_A, kwargs=lambda w: {"job_pk": w.import_job.pk}, method="post"),
    # Mission report and exports (issue 5): managers and the mission's organisers only.
    "followups:mission-report": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "followups:mission-report-compare": Rule(
        ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}, data=lambda w: {"other": w.mission_b.pk}
    ),
    "followups:mission-report-export": Rule(
        ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk, "fmt": "csv"}, method="post"
    ),
    "followups:report-export-status": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.report_export.pk}),
    "followups:report-export-download": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.report_export.pk}),
    # Security, privacy and history (issue 6): a record's history is visible to whoever sees the record;
    # personal-data requests are for managers only.
    "events:mission-history": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "events:event-history": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.event.pk}),
    "followups:followup-history": Rule({"dave", "alice", "mary"}, kwargs=lambda w: {"pk": w.followup.pk}),
    "followups:outcome-history": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.outcome.pk}),
    "followups:privacy-retention": Rule(MANAGERS),
    "followups:privacy-person": Rule(MANAGERS, kwargs=lambda w: {"pk": w.person.pk}),
    "followups:privacy-consent": Rule(
        MANAGERS,
        kwargs=lambda w: {"pk": w.person.pk},
        method="post",
        data=lambda w: {"consent": "given", "lawful_basis": "consent"},
    ),
    "followups:privacy-export-json": Rule(MANAGERS, kwargs=lambda w: {"pk": w.person.pk}),
    "followups:privacy-export-csv": Rule(MANAGERS, kwargs=lambda w: {"pk": w.person.pk}),
    "followups:privacy-erase": Rule(MANAGERS, kwargs=lambda w: {"pk": w.person.pk}),
    # Missions, events and delegate rosters
    "events:mission-create": Rule({"alice", "oliver", "mary"}),
    "events:mission-edit": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "events:event-create": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "events:event-detail": Rule(ON_MISSION_A, kwargs=lambda w: {"pk": w.event.pk}),
    "events:event-edit": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.event.pk}),
    "events:delegate-list": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "events:delegate-add": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.mission_a.pk}),
    "events:delegate-role": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.dave_delegate.pk}),
    "events:delegate-remove": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.dave_delegate.pk}),
    "events:delegate-link-user": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.dave_delegate.pk}),
    "events:delegate-invite": Rule(ORGANISES_A, kwargs=lambda w: {"pk": w.dave_delegate.pk}),
    # User accounts: managers only, whoever the account belongs to.
    "users:list": Rule(MANAGERS),
    "users:create": Rule(MANAGERS),
    "users:detail": Rule(MANAGERS, kwargs=lambda w: {"pk": w.dave.pk}),
    "users:send-link": Rule(MANAGERS, kwargs=lambda w: {"pk": w.dave.pk}, method="post"),
    # Answers only with delegates of missions the user can see (tests/meetings/test_meeting_filters.py).
    "events:delegate-lookup": Rule(EVERYONE_SIGNED_IN, data=lambda w: {"q": "Dave"}),
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin checks is_staff itself
            yield from url_names(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_rule():
    missing = sorted(set(url_names()) - set(RULES) - PUBLIC)
    assert not missing, f"Add an access rule to tests/security/test_access_matrix.py for: {missing}"


def test_rules_name_only_existing_urls():
    assert set(RULES) <= set(url_names()), sorted(set(RULES) - set(url_names()))


def _refusal(name, persona, response, allowed) -> str | None:
    """Why this response breaks the rule, or None when it keeps it."""
    signed_in_redirect = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    if response.status_code >= 500:
        return f"{persona} got a server error on {name}"
    if persona in allowed:
        if response.status_code in (403, 404) or signed_in_redirect:
            return f"{persona} should reach {name}, got {response.status_code}"
    elif persona == "anonymous":
        if not (signed_in_redirect or response.status_code in (403, 404)):
            return f"anonymous reached {name}: {response.status_code}"
    elif response.status_code not in (403, 404):
        return f"{persona} reached {name}: {response.status_code}"
    return None


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(RULES))
def test_access(client, world, name, persona):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    if persona != "anonymous":
        assert client.login(username=persona, password=PASSWORD)
    response = getattr(client, rule.method)(url, rule.data(world))
    problem = _refusal(name, persona, response, rule.allowed)
    assert problem is None, problem


# Mission B seen from mission A's side: the same rule, opened with B's objects, must let the
# personas in the mirrored roles through (erin instead of dave, oliver instead of alice) and
# refuse the others, so that an id of the other mission never opens a page.
SWAPPED = {
    "anonymous": "anonymous",
    "dave": "erin",
    "erin": "dave",
    "alice": "oliver",
    "oliver": "alice",
    "mary": "mary",
}
SWAPPED_OBJECTS = {
    "mission_a": "mission_b",
    "mission_b": "mission_a",
    "alice": "oliver",
    "oliver": "alice",
    "dave": "erin",
    "erin": "dave",
    "dave_delegate": "erin_delegate",
    "erin_delegate": "dave_delegate",
    "mary": "mary",
    "nobody": "nobody",
}


class MissionBWorld:
    """The world as seen from mission B: world.event is B's event (world.event_b), and so on."""

    def __init__(self, world):
        self._world = world

    def __getattr__(self, name):
        twin = SWAPPED_OBJECTS.get(name, f"{name}_b")
        if not hasattr(self._world, twin):
            raise AttributeError(
                f"world.{name} has no mission-B twin: add world.{name}_b in tests/security/conftest.py"
            )
        return getattr(self._world, twin)


def _open_as_each_persona(client, name, rule, url, data, allowed) -> list[str]:
    problems = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            assert client.login(username=persona, password=PASSWORD)
        response = getattr(client, rule.method)(url, data)
        problem = _refusal(name, persona, response, allowed)
        if problem:
            problems.append(f"{problem} ({url})")
    return problems


class _AnyWorld:
    """Stands in for the world at collection time, to see which URLs name an object (any attribute is 1)."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __int__(self):
        return 1


def _sample_kwargs(rule) -> dict:
    try:
        kwargs = rule.kwargs(_AnyWorld())
    except Exception:  # a rule too clever for the stand-in: assume it names an object by id
        return {"pk": 1}
    return {key: 1 if isinstance(value, _AnyWorld) else value for key, value in kwargs.items()}


def _is_object_id(key, value) -> bool:
    return isinstance(value, int) and (key in ("pk", "id") or key.endswith(("_pk", "_id")))


WITH_OBJECTS = sorted(name for name, rule in RULES.items() if _sample_kwargs(rule))
WITH_IDS = sorted(
    name for name, rule in RULES.items() if any(_is_object_id(k, v) for k, v in _sample_kwargs(rule).items())
)


@pytest.mark.parametrize("name", WITH_OBJECTS)
def test_access_to_the_other_missions_objects(client, world, name):
    rule = RULES[name]
    mirror = MissionBWorld(world)
    kwargs = rule.kwargs(mirror)
    url = reverse(name, kwargs=kwargs)
    allowed = {SWAPPED[persona] for persona in rule.allowed}
    problems = _open_as_each_persona(client, name, rule, url, rule.data(mirror), allowed)
    assert not problems, "\n".join(problems)


MISSING_ID = 2_147_483_000


@pytest.mark.parametrize("name", WITH_IDS)
def test_missing_ids_are_not_found(client, world, name):
    """Every id in the URL replaced by one that does not exist: a 404 for those allowed
    (never a server error), a refusal for the others."""
    rule = RULES[name]
    kwargs = rule.kwargs(world)
    for key, value in kwargs.items():
        if not _is_object_id(key, value):
            continue
        url = reverse(name, kwargs={**kwargs, key: MISSING_ID})
        problems = _open_as_each_persona(client, name, rule, url, rule.data(world), allowed=set())
        assert not problems, "\n".join(problems)
        assert client.login(username="mary", password=PASSWORD)
        response = getattr(client, rule.method)(url, rule.data(world))
        assert response.status_code == 404, f"{name} with a missing {key}: {response.status_code}, not 404"
