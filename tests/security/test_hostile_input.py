"""Hostile input in every text field that a page in this branch shows: script tags, template
syntax, right-to-left overrides, emoji and 10 000-character notes. Nothing executes, nothing
breaks the layout, nothing is lost. Pages and fields are listed in tests/security/hostile.py."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from ..conftest import PASSWORD, login
from .hostile import FIELDS, LONG_LENGTH, PAGES, PAYLOADS, SCRIPT, TEMPLATE, store


def strings_in(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)
    elif isinstance(data, str):
        yield data


@pytest.mark.parametrize("field_name", sorted(FIELDS))
def test_hostile_text_is_stored_whole_and_shown_as_text(client, world, field_name):
    field = FIELDS[field_name]
    for payload, text in PAYLOADS.items():
        value = store(world, field, text)
        record = field.record(world)
        record.refresh_from_db()
        assert getattr(record, field.name) == value, payload  # nothing lost
        if payload == "long" and not record._meta.get_field(field.name).max_length:
            assert len(value) == LONG_LENGTH
        for page_name in field.pages:
            page = PAGES[page_name]
            client.logout()
            assert client.login(username=page.persona, password=PASSWORD)
            response = client.get(page.url(world))
            assert response.status_code == 200, (page_name, payload)
            html = response.content.decode()
            assert escape(value) in html, f"{field_name} ({payload}) not shown in full on {page_name}"
            assert "<script>window.__xss" not in html and "<img src=x" not in html
        for export in field.exports:
            client.logout()
            assert client.login(username="mary", password=PASSWORD)
            response = client.get(reverse(export, args=[world.person.pk]))
            if export.endswith("json"):
                found = set(strings_in(json.loads(response.content)))
            else:
                rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
                found = {cell for row in rows for cell in row}
            assert value in found, f"{field_name} ({payload}) not exported whole in {export}"


def fill_every_field(world):
    hostile = f"{SCRIPT} {TEMPLATE} {PAYLOADS['rtl']} {PAYLOADS['emoji']} "
    for field in FIELDS.values():
        record = field.record(world)
        limit = record._meta.get_field(field.name).max_length or LONG_LENGTH
        tail = "BEGIN" + "x" * max(limit - len(hostile) - 8, 0) + "END"
        store(world, field, (hostile + tail)[:limit])


def watch(page):
    """Collect dialogs, console messages and CSP violations on the page."""
    seen = {"dialogs": [], "console": [], "violations": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: seen["console"].append(message.text))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"
    )
    return seen


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("page_name", sorted(PAGES))
def test_hostile_text_neither_runs_nor_breaks_the_page(browser, live_server, world, page_name, viewport):
    fill_every_field(world)
    size = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}[viewport]
    context = browser.new_context(base_url=live_server.url, viewport=size)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        seen = watch(page)
        login(page, PAGES[page_name].persona)
        page.goto(PAGES[page_name].url(world))
        page.wait_for_load_state("load")
        assert seen["dialogs"] == [], "a script ran"
        assert page.evaluate("window.__xss") is None
        assert page.locator("#xss").count() == 0, "an injected element exists"
        assert page.locator("nav[aria-label=Main]").is_visible()
        assert page.locator("main").is_visible()
        assert page.locator("h1").first.is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the screen"
        assert page.evaluate("window.__violations") == []
        assert not [m for m in seen["console"] if "Content Security Policy" in m]
    finally:
        context.close()
