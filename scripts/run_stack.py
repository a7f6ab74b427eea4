"""`make run`: migrate, load the demo missions, then run the web server, a Celery
worker and Celery beat together until Ctrl-C, which stops all three."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)
# The embedded default is a development setup; production sets DEBUG=0 itself.
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("PYTHONUNBUFFERED", "1")
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
PY = sys.executable


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], check=True)


def create_postgres_database_if_missing() -> None:
    """With DATABASE_URL naming a PostgreSQL database that does not exist yet, create it."""
    url = urllib.parse.urlparse(os.environ.get("DATABASE_URL", ""))
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        return
    import psycopg2
    from psycopg2 import sql

    name = url.path.lstrip("/")
    params = dict(host=url.hostname, port=url.port or 5432, user=url.username, password=url.password)
    try:
        psycopg2.connect(dbname=name, **params).close()
    except psycopg2.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        conn = psycopg2.connect(dbname="postgres", **params)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.close()
        print(f"Created PostgreSQL database {name}.")


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def main() -> int:
    if port_in_use(HOST, PORT):
        print(f"Port {PORT} on {HOST} is already in use: stop what runs there or set PORT=8001.", file=sys.stderr)
        return 1
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    # The file-based broker's folders: kombu does not create them, and a worker
    # that starts before anything was queued exits without them.
    (var_dir / "celery-broker" / "processed").mkdir(parents=True, exist_ok=True)
    create_postgres_database_if_missing()
    manage("migrate", "--no-input", "-v", "0")
    manage("load_demo")

    commands = {
        "web": [PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [PY, "-m", "celery", "-A", "delegation_crm", "worker", "-l", "info", "--concurrency", "2"],
        "beat": [PY, "-m", "celery", "-A", "delegation_crm", "beat", "-l", "info"],
    }
    # Each child leads its own process group so that stopping it also stops
    # whatever it forked (Celery's pool processes).
    children = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    deadline = time.monotonic() + 30
    while not port_in_use(HOST, PORT) and time.monotonic() < deadline and not stopping:
        time.sleep(0.3)
    if not stopping:
        print(
            f"\n  Delegation CRM is running at http://{HOST}:{PORT}/\n"
            "  Emails are written to var/sent-emails/. Press Ctrl-C to stop everything.\n",
            flush=True,
        )

    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with status {child.returncode}; stopping the others.", file=sys.stderr)
                exit_code = 1
                stopping = True
        time.sleep(0.5)

    print("\nStopping web server, worker and beat…", flush=True)
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    for child in children.values():
        with contextlib.suppress(ProcessLookupError):  # pool processes left behind
            os.killpg(child.pid, signal.SIGKILL)
    print("Stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
