"""The Content Security Policy in a real Chromium: the main pages report no violation,
and the policy really is enforced (an inline script is refused)."""

import pytest
from django.urls import reverse

from ..conftest import login
from .hostile import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations_watched(page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return console


def assert_no_violation(page, console, where):
    assert page.evaluate("window.__violations") == [], where
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], where


def test_signing_in_and_the_main_pages_report_no_violation(page, world):
    console = violations_watched(page)
    page.goto(reverse("login"))
    assert_no_violation(page, console, "sign-in page")
    login(page, "mary")
    for name, entry in sorted(PAGES.items()):
        page.goto(entry.url(world))
        page.wait_for_load_state("load")
        assert_no_violation(page, console, name)
    page.goto("/missions/999999/")
    assert_no_violation(page, console, "404 page")
    # the navigation menu (Bootstrap's JavaScript) still works under the policy
    page.goto(reverse("events:mission-list"))
    page.locator("#main-nav .dropdown-toggle").click()
    assert page.get_by_role("link", name="Change password").is_visible()
    assert_no_violation(page, console, "menu")


def test_htmx_runs_without_injecting_a_style(page, world):
    console = violations_watched(page)
    login(page, "alice")
    page.goto(reverse("events:mission-list"))
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("head style").count() == 0
    assert_no_violation(page, console, "htmx")


def test_the_policy_is_enforced(page, world):
    violations_watched(page)
    page.goto(reverse("login"))
    with pytest.raises(Exception):  # noqa: B017 - Playwright reports the refused script as an error
        page.add_script_tag(content="window.__inline = 1")
    assert page.evaluate("window.__inline") is None
    assert any("script-src" in v for v in page.evaluate("window.__violations"))
