import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "delegation_crm.settings"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_with_the_default_secret():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "key",
    [
        secrets.token_urlsafe(36),  # 48 characters: long, but shorter than the deploy check asks
        "k" * 50,  # long enough, but one character repeated
        "abcd" * 20,  # only four different characters
        "django-insecure-" + secrets.token_urlsafe(50),
        secrets.token_urlsafe(38)[:50],  # exactly 50: accepted
    ],
)
def test_the_secret_key_rule_is_the_deploy_checks(key):
    from django.core.checks.security.base import _check_secret_key

    from delegation_crm.settings import strong_secret_key

    assert strong_secret_key(key) == _check_secret_key(key)
    result = run_settings({"DEBUG": "0", "SECRET_KEY": key})
    assert (result.returncode == 0) == _check_secret_key(key), result.stderr


def test_plain_http_trial_is_for_this_machine_only():
    key = secrets.token_urlsafe(50)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(DEBUG="0", SECRET_KEY=key, LOCAL_HTTP="1", DJANGO_SETTINGS_MODULE="delegation_crm.settings")
    local = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert local.stdout.split() == ["False", "False", "0"], local.stderr
    env["ALLOWED_HOSTS"] = "crm.example.org"
    public = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert public.returncode != 0
    assert "LOCAL_HTTP=1 serves plain http and is for this machine only" in public.stderr


def test_settings_store_times_in_utc(settings):
    assert settings.USE_TZ is True
