"""Reminder throughput: emails per second through a real Celery worker to a loopback SMTP server.

    .venv/bin/python bench/reminders.py              # 2 000 reminders, extrapolated to 10 000
    .venv/bin/python bench/reminders.py --count 10000

On the large dataset (BENCH_DATABASE_URL): N overdue nudges are written to the
reminder outbox for N open follow-ups, then the production path runs: the
periodic `reminders_dispatch` task is queued (again every 60 s while rows are
left, as beat would), it enqueues one `reminders_send_batch` per
REMINDERS_BATCH_SIZE due rows, and a `celery worker` process (default
concurrency 2, the machine's cores) claims each batch, re-checks, renders and
sends it over one SMTP connection to an aiosmtpd server on 127.0.0.1. The clock
runs from the first dispatch queued to the last message accepted by the SMTP
server and every row recorded as sent. The rows are deleted afterwards. The
broker is CELERY_BROKER_URL (a Redis database of your own; it must not be the
filesystem broker).
"""

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, setup_django  # noqa: E402

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


class Counter:
    def __init__(self):
        self.count = 0
        self.connections = 0  # smtplib says EHLO once per connection
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_nudges(count: int) -> list[int]:
    from django.db.models import F
    from django.utils import timezone

    from followups.models import FollowUp, ReminderEmail

    now = timezone.now()
    ReminderEmail.objects.all().delete()
    followups = list(
        FollowUp.objects.filter(status=FollowUp.Status.OPEN, assignee__person__email__gt="")
        .exclude(mission__status="cancelled")
        .values("pk", "mission_id", "due_on", person_id=F("assignee__person_id"))
        .order_by("pk")[:count]
    )
    rows = [
        ReminderEmail(
            kind=ReminderEmail.Kind.NUDGE,
            mission_id=f["mission_id"],
            recipient_id=f["person_id"],
            followup_id=f["pk"],
            followup_due_on=f["due_on"],
            due_at=now,
            next_attempt_at=now,
        )  # fmt: skip
        for f in followups
    ]
    ReminderEmail.objects.bulk_create(rows, batch_size=2000)
    return list(ReminderEmail.objects.order_by("pk").values_list("pk", flat=True))


def start_worker(smtp_port: int, concurrency: int, batch_size: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "delegation_crm.settings_test",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONUNBUFFERED": "1",
        "REMINDERS_BATCH_SIZE": str(batch_size),
    }
    handle = open(log, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "delegation_crm", "worker", "-l", "info", "--concurrency",
         str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process


def measure(count: int, concurrency: int, batch_size: int) -> dict:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db.models import Count

    from followups import tasks
    from followups.models import ReminderEmail

    if settings.CELERY_BROKER_URL.startswith("filesystem://") or settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Set CELERY_BROKER_URL to a Redis database of your own (e.g. redis://127.0.0.1:6379/11).")
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=free_port())
    controller.start()
    log = Path(tempfile.mkdtemp(prefix="bench-reminders-")) / "worker.log"
    worker = None
    try:
        ids = write_nudges(count)
        worker = start_worker(controller.port, concurrency, batch_size, log)
        # Queue nothing before the worker is up: start-up is not sending.
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text() and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise SystemExit(f"The worker exited:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        start = time.perf_counter()
        tasks.reminders_dispatch.apply_async(expires=55)  # as beat queues it
        dispatches, last_dispatch = 1, time.monotonic()
        deadline = time.monotonic() + max(120, count / 5)
        while time.monotonic() < deadline:
            if time.monotonic() - last_dispatch >= 60:
                tasks.reminders_dispatch.apply_async(expires=55)
                dispatches, last_dispatch = dispatches + 1, time.monotonic()
            if counter.count >= len(ids):
                pending = ReminderEmail.objects.exclude(state=ReminderEmail.State.SENT).count()
                if not pending:
                    break
            if worker.poll() is not None:
                raise SystemExit(f"The worker exited:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        states = dict(ReminderEmail.objects.order_by().values_list("state").annotate(n=Count("pk")))
    finally:
        if worker and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        controller.stop()
        ReminderEmail.objects.all().delete()
    rate = counter.count / elapsed
    return {
        "reminders": len(ids),
        "delivered": counter.count,
        "states": states,
        "seconds": elapsed,
        "dispatches": dispatches,
        "connections": counter.connections,
        "batch_size": batch_size,
        "per_second": rate,
        "seconds_for_10000": 10_000 / rate if rate else float("inf"),
        "concurrency": concurrency,
    }


def report(result: dict) -> str:
    return (
        f"Reminders: {result['delivered']:,} of {result['reminders']:,} emails delivered in {result['seconds']:.1f} s "
        f"through one worker (concurrency {result['concurrency']}) = {result['per_second']:.0f} emails/s; "
        f"10 000 would take {result['seconds_for_10000']:.0f} s (target 120 s). Rows: {result['states']}; "
        f"{result['dispatches']} dispatch(es), batches of {result['batch_size']}, "
        f"{result['connections']} SMTP connection(s)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--batch-size", type=int, default=200, help="REMINDERS_BATCH_SIZE for the worker")
    args = parser.parse_args()
    setup_django()
    print(report(measure(args.count, args.concurrency, args.batch_size)))


if __name__ == "__main__":
    main()
