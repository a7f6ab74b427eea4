"""Every URL pattern and every form, probed with hostile values as each role.

The patterns come from the resolver (admin included) and the forms from the pages
themselves, so a new page or form is probed without being registered here:

* every path parameter replaced by hostile values (NUL, ``²``, ``１２``, ``1e3``,
  ``1.0``, 2**63, 10 000 characters), as anonymous, a delegate, an organiser, a
  manager and a superuser: never a server error;
* every page the access matrix opens, with every query parameter it reads (from the
  code, its GET forms and its links) set to each hostile value: never a server error;
* every form on those pages that takes typed input, posted with hostile values in
  every field (NUL, out-of-range numbers, 1 MB texts, the other mission's ids, a
  body in another charset): never a server error, and with a NUL in every field,
  not one row changed anywhere. (Forms that are only buttons, such as Reopen or
  Delete, are left to the access matrix and their own tests: posting them acts.)
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..conftest import PASSWORD
from .test_access_matrix import RULES

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_PATH_VALUES = ["%00", quote("²"), quote("１２"), "1e3", "1.0", str(2**63), "x" * 10_000, "-1"]
HOSTILE_QUERY_VALUES = ["x\x00y", "²", "１２", "1e3", "-1", str(2**63), "x" * 10_000, "2026-02-30"]
PATH_PERSONAS = ["anonymous", "dave", "alice", "mary", "root"]
TEXT_INPUTS = {"text", "email", "url", "tel", "search", "number", "date", "datetime-local", "time", "password", ""}
# Session and lockout bookkeeping change on every sign-in; everything else must not.
UNWATCHED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


# ---------------------------------------------------------------------------
# URL patterns from the resolver


def _sample(regex: str, value: str) -> str:
    """A path for a regex pattern, with each group replaced by ``value`` (an
    alternation of names, like the admin's app list, by its first name)."""
    regex = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match):
        body = match.group(2)
        if re.fullmatch(r"[\w|]+", body):
            return body.split("|")[0]
        return value

    return re.sub(r"\((\?P<\w+>)?([^()]*)\)", group, regex).replace("\\", "")


def routes(resolver=None, prefix=""):
    """(path template, has parameters) for every pattern, hostile values filled in later."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield prefix + text


def fill(template: str, value: str) -> str:
    path = re.sub(r"<(?:\w+:)?\w+>", value, template)
    if path.startswith("^") or "(" in path or "$" in path:
        path = _sample(path, value)
    return "/" + path.replace("^", "").replace("$", "")


TEMPLATES = sorted(set(routes()))
WITH_PARAMETERS = [t for t in TEMPLATES if re.search(r"<|\(", t)]


def test_the_probe_sees_every_app_and_the_admin():
    assert len(WITH_PARAMETERS) > 60
    for prefix in ("contacts/", "missions/", "followups/", "meetings/", "users/", "admin/"):
        assert any(t.startswith(prefix) for t in WITH_PARAMETERS), prefix


@pytest.fixture
def clients(world):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    result = {}
    for persona in ("anonymous", "dave", "erin", "alice", "oliver", "mary", "root"):
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            assert client.login(username=persona, password=PASSWORD)
        result[persona] = client
    return result


def _server_error(response, what: str) -> str | None:
    return f"{response.status_code} on {what}" if response.status_code >= 500 else None


@pytest.mark.parametrize("top", ["contacts/", "missions/", "followups/", "meetings/", "users/", "accounts/", "admin/"])
def test_hostile_path_values_are_never_a_server_error(clients, top):
    problems = []
    for index, template in enumerate(t for t in WITH_PARAMETERS if t.startswith(top)):
        for turn, value in enumerate(HOSTILE_PATH_VALUES):
            persona = "root" if top == "admin/" else PATH_PERSONAS[(index + turn) % len(PATH_PERSONAS)]
            url = fill(template, value)
            for method in ("get", "post"):
                response = getattr(clients[persona], method)(url)
                problems.append(_server_error(response, f"{method.upper()} {url[:120]} as {persona}"))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems[:30])


# ---------------------------------------------------------------------------
# The pages the access matrix opens, their query strings and their forms


def _names_read_in_code() -> set[str]:
    names = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in ("contacts", "events", "followups", "delegation_crm"):
            names |= set(re.findall(r'GET\.(?:get|getlist)\(\s*"(\w+)"', path.read_text()))
    return names


CODE_QUERY_NAMES = _names_read_in_code()


class Forms(HTMLParser):
    """The forms of a page: method, action, and each field's name and type."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "fields": {}}
            )
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            kind = "textarea" if tag == "textarea" else "select" if tag == "select" else attrs.get("type", "")
            self.forms[-1]["fields"].setdefault(attrs["name"], kind)


def _allowed_persona(rule) -> str | None:
    for persona in ("alice", "dave", "mary", "oliver", "erin"):
        if persona in rule.allowed:
            return persona
    return None


GET_PAGES = sorted(name for name, rule in RULES.items() if rule.method == "get" and _allowed_persona(rule))


def _page(clients, world, name):
    rule = RULES[name]
    persona = _allowed_persona(rule)
    url = reverse(name, kwargs=rule.kwargs(world))
    response = clients[persona].get(url, rule.data(world))
    return persona, url, response


def _query_names(parser: Forms) -> set[str]:
    names = set(CODE_QUERY_NAMES)
    for form in parser.forms:
        if form["method"] == "get":
            names |= set(form["fields"])
    for link in parser.links:
        names |= {key for key, _ in parse_qsl(urlsplit(link).query)}
    return names


def _parse(response) -> Forms:
    parser = Forms()
    if response.get("Content-Type", "").startswith("text/html"):
        parser.feed(response.content.decode())
    return parser


def test_pages_with_hostile_query_values_are_never_a_server_error(clients, world):
    problems = []
    for name in GET_PAGES:
        persona, url, response = _page(clients, world, name)
        problems.append(_server_error(response, f"{name} as {persona}"))
        names = _query_names(_parse(response))
        for value in HOSTILE_QUERY_VALUES:
            hostile = clients[persona].get(url, dict.fromkeys(names, value))
            problems.append(_server_error(hostile, f"{name}?…={value[:20]!r} as {persona}"))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems[:30])


def database_state() -> dict[str, str]:
    """A fingerprint of every watched table's rows, in one query."""
    tables = [t for t in connection.introspection.table_names() if t not in UNWATCHED_TABLES]
    parts = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "  # noqa: S608 (names from the catalogue)
        f"FROM {connection.ops.quote_name(t)} r"
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(parts)
        return dict(cursor.fetchall())


def _typed_forms(clients, world):
    """(persona, page name, action URL, field names) for every form taking typed input."""
    seen = set()
    for name in GET_PAGES:
        persona, url, response = _page(clients, world, name)
        for form in _parse(response).forms:
            action = form["action"] or url
            if form["method"] != "post" or action.startswith("/accounts/logout"):
                continue
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            if not any(kind in TEXT_INPUTS or kind == "textarea" for kind in fields.values()):
                continue
            key = (persona, action.split("?")[0], tuple(sorted(fields)))
            if key not in seen:
                seen.add(key)
                yield persona, name, action, fields


def test_every_form_refuses_hostile_values_without_a_server_error(clients, world):
    foreign = str(world.meeting_b.pk)
    variants = {
        "too large": str(2**31),
        "huge integer": "9" * 40,
        "1 MB": "x" * 1_000_000,
        "other mission's id": foreign,
    }
    problems = []
    forms = list(_typed_forms(clients, world))
    assert len(forms) > 20, len(forms)
    before = database_state()
    for persona, name, action, fields in forms:  # a NUL in every field: each form refuses
        response = clients[persona].post(action, dict.fromkeys(fields, "x\x00y"))
        problems.append(_server_error(response, f"NUL posted to {action} (from {name}) as {persona}"))
    changed = sorted(t for t, digest in database_state().items() if before.get(t) != digest)
    if changed:
        problems.append(f"forms posted with a NUL in every field changed {changed}")
    for persona, name, action, fields in forms:
        client = clients[persona]
        for label, value in variants.items():
            response = client.post(action, dict.fromkeys(fields, value))
            problems.append(_server_error(response, f"{label} posted to {action} (from {name}) as {persona}"))
        body = "&".join(f"{field}=x" for field in fields).encode("utf-16")
        response = client.generic(
            "POST", action, body, content_type="application/x-www-form-urlencoded; charset=utf-16"
        )
        if response.status_code != 400:
            problems.append(f"a UTF-16 body to {action} answered {response.status_code}, not 400")
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems[:40])
