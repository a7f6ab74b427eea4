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

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..conftest import PASSWORD

PERSONAS = ["anonymous", "dave", "erin", "alice", "oliver", "mary"]
EVERYONE_SIGNED_IN = {"dave", "erin", "alice", "oliver", "mary"}
ON_MISSION_A = {"dave", "alice", "mary"}
ORGANISES_A = {"alice", "mary"}
MANAGERS = {"mary"}

# Reached without signing in by design (sign-in, password reset); tested in test_accounts.py.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
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


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(RULES))
def test_access(client, world, name, persona):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    if persona != "anonymous":
        assert client.login(username=persona, password=PASSWORD)
    response = getattr(client, rule.method)(url, rule.data(world))
    signed_in_redirect = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    if persona in rule.allowed:
        assert response.status_code not in (403, 404) and not signed_in_redirect, (
            f"{persona} should reach {name}, got {response.status_code}"
        )
    elif persona == "anonymous":
        assert signed_in_redirect or response.status_code in (403, 404), (
            f"anonymous reached {name}: {response.status_code}"
        )
    else:
        assert response.status_code in (403, 404), f"{persona} reached {name}: {response.status_code}"
