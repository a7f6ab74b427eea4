import os
import shutil
from dataclasses import dataclass

import pytest

from contacts.models import User
from events.models import Delegate

from .factories import MissionFactory, UserFactory, delegate_with_login

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    """Two missions and a person in every role around them.

    alice organises mission A; dave is a delegate on A; erin is a delegate on B;
    oliver organises B; mary is a manager; nobody has an account and no mission.
    """

    mission_a: object
    mission_b: object
    alice: User
    dave: User
    dave_delegate: Delegate
    erin: User
    erin_delegate: Delegate
    oliver: User
    mary: User
    nobody: User


@pytest.fixture
def world(db):
    mission_a = MissionFactory(title="UK delegation to BioJapan")
    mission_b = MissionFactory(title="San Diego delegation to BioJapan")
    alice, _ = delegate_with_login(
        mission_a, role=Delegate.Role.ORGANISER, account_role=User.Role.ORGANISER, username="alice"
    )
    dave, dave_delegate = delegate_with_login(mission_a, username="dave")
    erin, erin_delegate = delegate_with_login(mission_b, username="erin")
    oliver, _ = delegate_with_login(
        mission_b, role=Delegate.Role.LEAD, account_role=User.Role.ORGANISER, username="oliver"
    )
    mary = UserFactory(username="mary", role=User.Role.MANAGER)
    nobody = UserFactory(username="nobody")
    return World(mission_a, mission_b, alice, dave, dave_delegate, erin, erin_delegate, oliver, mary, nobody)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: scripts/install-system-deps.sh installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def tasks_inline():
    """Celery tasks queued by a page run at once, in the test's process and transaction
    (as a worker would run them, minus the broker)."""
    from delegation_crm.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
