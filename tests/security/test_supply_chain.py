"""The supply-chain step of `make test`: bandit is clean; the dependency audit fails on a
vulnerable pin and says plainly when it could not run."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_audit_script():
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_pip_audit(monkeypatch, module, dependencies):
    def run(command, **kwargs):
        assert "--no-deps" in command and "requirements.txt" in command
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps({"dependencies": dependencies}), stderr="")

    monkeypatch.setattr(module.subprocess, "run", run)
    monkeypatch.setattr(sys, "argv", ["audit_dependencies.py", "requirements.txt"])


def test_bandit_finds_nothing_in_our_code():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "contacts", "events", "followups", "delegation_crm", "-ll"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_vulnerable_pin_fails_the_audit(monkeypatch, capsys):
    module = load_audit_script()
    fake_pip_audit(
        monkeypatch,
        module,
        [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]},
            {"name": "celery", "version": "5.7.0", "vulns": []},
        ],
    )
    assert module.main() == 1
    assert "django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)" in capsys.readouterr().out


def test_an_unreachable_service_is_reported_not_passed_off_as_clean(monkeypatch, capsys):
    module = load_audit_script()
    fake_pip_audit(
        monkeypatch,
        module,
        [{"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"}],
    )
    assert module.main() == 0
    out = capsys.readouterr().out
    assert "DEPENDENCY AUDIT NOT PERFORMED" in out
    assert "no known vulnerabilities" not in out


def test_a_clean_audit_says_how_many_packages_it_checked(monkeypatch, capsys):
    module = load_audit_script()
    fake_pip_audit(monkeypatch, module, [{"name": "django", "version": "5.2.19", "vulns": []}])
    assert module.main() == 0
    assert "1 packages audited with pypi, no known vulnerabilities" in capsys.readouterr().out
