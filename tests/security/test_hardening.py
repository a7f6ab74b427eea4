"""Production settings, headers, cookies, upload limits and error pages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from ..conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-production-secret-key-for-the-deploy-check-0123456789abcdef",
    "DJANGO_SETTINGS_MODULE": "delegation_crm.settings",
    "ALLOWED_HOSTS": "crm.example.org",
}


def run_in_production(*args):
    # The test suite's own switches (e.g. DJANGO_ALLOW_ASYNC_UNSAFE for Playwright) are not production's.
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PRODUCTION_ENV)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_deploy_check_is_clean_under_production_settings():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_production_cookies_are_secure_and_sessions_expire():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS',"
        " 'SECURE_SSL_REDIRECT', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SESSION_COOKIE_AGE', 'X_FRAME_OPTIONS']}))"
    )
    result = run_in_production("-c", script)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert values["SESSION_COOKIE_AGE"] <= 60 * 60 * 12
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_every_page_carries_a_strict_content_security_policy(client, world):
    client.login(username="alice", password=PASSWORD)
    response = client.get(reverse("events:mission-detail", args=[world.mission_a.pk]))
    policy = {
        part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split(";") if part.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client, world):
    client.login(username="mary", password=PASSWORD)
    for url in [reverse("events:mission-list"), reverse("events:mission-detail", args=[world.mission_a.pk])]:
        html = client.get(url).content.decode()
        assert "<style" not in html and " style=" not in html, url
        assert "<script>" not in html and " onclick=" not in html, url
    # htmx is told not to inject its own indicator <style>
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_the_session_cookie_ends_with_the_browser_and_is_http_only(client, world):
    response = client.post(reverse("login"), {"username": "dave", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert client.session.get_expiry_age() <= 60 * 60 * 12


def test_a_server_error_is_a_page_in_our_layout_without_a_request_context(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert 'class="navbar-brand' in html and "Delegation CRM" in html
    assert "Traceback" not in html


def test_an_exception_in_a_view_shows_no_stack_trace(world, settings):
    settings.ROOT_URLCONF = "tests.security.urls_boom"
    client = Client(raise_request_exception=False)
    client.login(username="dave", password=PASSWORD)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "ZeroDivisionError" not in html and "Traceback" not in html and "boom" not in html


def test_a_refused_form_post_explains_itself_in_our_layout(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "dave", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in html
    assert 'class="navbar-brand' in html
    main = html[html.index("<main") :]
    assert "CSRF" not in main and "reason" not in main  # no jargon, no debugging details


def test_a_request_for_an_unknown_host_is_a_400_page(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()


def test_a_forbidden_action_is_a_403_page_in_our_layout(client, world):
    client.login(username="dave", password=PASSWORD)
    response = client.get(reverse("followups:privacy-retention"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You can't do that" in html and "Only managers" in html


@pytest.mark.parametrize("name", ["DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE", "MAX_UPLOAD_BYTES"])
def test_upload_limits_are_set(settings, name):
    assert 0 < getattr(settings, name) <= 50 * 1024 * 1024


def test_an_oversized_form_post_is_refused_with_a_400(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = Client().post(reverse("login"), {"username": "dave", "password": "x" * 20_000})
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()


def test_password_reset_is_not_emailed_to_someone_marked_do_not_contact(client, world, tasks_inline):
    person = world.dave.person
    person.do_not_contact = True
    person.save()
    response = client.post(reverse("password_reset"), {"email": world.dave.email})
    assert response.status_code == 302  # same answer as for anyone, so nothing can be probed
    assert mail.outbox == []
    person.do_not_contact = False
    person.save()
    client.post(reverse("password_reset"), {"email": world.dave.email})
    assert len(mail.outbox) == 1


def test_no_proxy_header_is_trusted_unless_one_is_named():
    script = "import django; django.setup(); from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    assert run_in_production("-c", script).stdout.strip() == "None"
    named = {**PRODUCTION_ENV, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(named)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


def test_a_client_cannot_claim_https_by_a_header(client, world):
    client.login(username="dave", password=PASSWORD)
    response = client.get(reverse("followups:my-followups"), HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.is_secure() is False


def test_signed_in_pages_are_never_stored_and_devices_stay_off(client, world):
    assert "camera=()" in client.get(reverse("login"))["Permissions-Policy"]
    client.login(username="dave", password=PASSWORD)
    for url in (reverse("followups:my-followups"), reverse("contacts:organisation-list")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "Server" not in response.headers


@pytest.mark.parametrize(
    "url",
    [
        "/followups/calendar/%00.ics",
        "/contacts/organisations/?q=x%00y",
        "/followups/privacy/people/?q=x%00y",
        "/missions/?x%00=1",
    ],
)
@pytest.mark.parametrize("persona", [None, "alice", "dave"])
def test_a_nul_in_the_address_is_a_clear_400(world, url, persona):
    client = Client(raise_request_exception=False)
    if persona:
        client.login(username=persona, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 400
    assert "The address contains a character no page uses." in response.content.decode()


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "utf-32", "UTF-16LE", "bogus"])
@pytest.mark.parametrize("url", ["/accounts/login/", "/followups/1/complete/", "/contacts/organisations/new/"])
def test_a_form_in_another_charset_is_a_clear_400_and_changes_nothing(world, charset, url):
    from followups.models import FollowUp

    before = list(FollowUp.objects.values_list("pk", "status"))
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.login(username="alice", password=PASSWORD)
    body = "name=Evil&note=x".encode("utf-16" if "16" in charset else "latin-1")
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    response = client.generic("POST", url, data=body, content_type=content_type)
    assert response.status_code == 400
    assert "Forms must be sent as UTF-8." in response.content.decode()
    assert list(FollowUp.objects.values_list("pk", "status")) == before
