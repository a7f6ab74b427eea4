import os
import subprocess
import sys
from pathlib import Path

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
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_settings_store_times_in_utc(settings):
    assert settings.USE_TZ is True
