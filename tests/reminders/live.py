"""Real moving parts for the end-to-end reminder tests: a private redis-server, an SMTP
server (aiosmtpd) that can refuse or stall, and a Celery worker process on the test database."""

import asyncio
import email
import email.policy
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


class RedisServer:
    """Our own redis-server on a free loopback port (never the shared one), without persistence."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, 10, "redis-server to start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()  # no persistence: everything queued is lost
            self.process.wait(10)


@dataclass
class Received:
    to: list[str]
    message: email.message.EmailMessage
    connection: int  # which connection (1, 2, …) carried it

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]

    @property
    def kind(self) -> str:
        return self.message["X-Delegation-CRM-Reminder"].split("/")[0]

    def part(self, content_type: str) -> str:
        return self.message.get_body(preferencelist=(content_type.split("/")[1],)).get_content()


@dataclass
class SmtpBehaviour:
    refuse_all: bool = False  # 451 to every recipient (the server is "unwell for a while")
    refuse_always: set[str] = field(default_factory=set)  # addresses that always get 451
    reject: set[str] = field(default_factory=set)  # addresses that get 550 (no such mailbox)
    down: bool = False  # every new connection is greeted with 421 and closed
    go_down_on_data: int | None = None  # the n-th DATA (counting from now) gets 421, the server goes down
    connections: int = 0  # connections accepted so far
    stall_on_data: int | None = None  # the n-th DATA (counting from now) waits until released
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    data_seen: int = 0


class CollectingHandler:
    def __init__(self, behaviour: SmtpBehaviour):
        self.behaviour = behaviour
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.behaviour.refuse_all or address in self.behaviour.refuse_always:
            return "451 4.3.0 Try again later"
        if address in self.behaviour.reject:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        behaviour = self.behaviour
        behaviour.data_seen += 1
        if behaviour.go_down_on_data is not None and behaviour.data_seen == behaviour.go_down_on_data:
            # Going down for maintenance: answer 421 and close this connection after the answer.
            behaviour.down = True
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return "421 4.3.2 Shutting down, try again later"
        if behaviour.stall_on_data is not None and behaviour.data_seen == behaviour.stall_on_data:
            # Hold the message without answering; the test kills the worker meanwhile, so
            # the client never hears "250" and the message is not delivered.
            behaviour.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, behaviour.release.wait, 30)
            return "451 4.3.0 Connection lost"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message, session.connection))
        return "250 Message accepted for delivery"


class CountingSmtp(SMTP):
    """Numbers each connection (so a test sees which messages shared one) and turns connections
    away with 421 while the server is down."""

    def __init__(self, handler, behaviour: SmtpBehaviour, **kwargs):
        super().__init__(handler, **kwargs)
        self.behaviour = behaviour

    async def _handle_client(self):
        if self.behaviour.down:
            await self.push("421 4.3.2 Service not available, closing transmission channel")
            self.transport.close()
            return
        self.behaviour.connections += 1
        self.session.connection = self.behaviour.connections
        await super()._handle_client()


class CountingController(Controller):
    def __init__(self, handler, behaviour: SmtpBehaviour, **kwargs):
        super().__init__(handler, **kwargs)
        self.behaviour = behaviour

    def factory(self):
        return CountingSmtp(self.handler, self.behaviour, **self.SMTP_kwargs)


class SmtpServer:
    def __init__(self):
        self.behaviour = SmtpBehaviour()
        self.handler = CollectingHandler(self.behaviour)
        self.controller = CountingController(self.handler, self.behaviour, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def messages_per_connection(self) -> list[int]:
        """How many messages each connection that carried any delivered, in order."""
        counts = Counter(r.connection for r in self.received)
        return [counts[number] for number in sorted(counts)]

    def start(self):
        self.controller.start()
        self.behaviour.connections = 0  # start() connects once to check the server answers

    def stop(self):
        self.behaviour.release.set()
        self.controller.stop()


def test_database_url() -> str:
    """The test database pytest-django created (test_crm_<name>), for the worker process."""
    settings = connection.settings_dict
    url = urllib.parse.urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    return url._replace(path=f"/{settings['NAME']}").geturl()


class Worker:
    """`celery -A delegation_crm worker` in its own process group, so SIGKILL takes its children too."""

    def __init__(self, *, broker_url: str, smtp_port: int, log: Path, concurrency: int = 2, batch_size: int = 200):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "delegation_crm.settings_test",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "SITE_URL": "https://crm.example.org",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "PYTHONUNBUFFERED": "1",
            "REMINDERS_BATCH_SIZE": str(batch_size),
        }
        self.concurrency = concurrency
        self.log = log
        self.process = None

    def start(self):
        self.log_file = open(self.log, "a")  # noqa: SIM115
        start = self.log.stat().st_size
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "delegation_crm",
                "worker",
                "-l",
                "info",
                "--concurrency",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"reminders-test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"The worker exited:\n{self.log.read_text()[-3000:]}")
            return " ready." in self.log.read_text()[start:]

        wait_for(ready, 60, "the Celery worker to be ready", interval=0.3)

    def kill(self):
        """SIGKILL the whole worker: main process and pool children, no goodbye."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        if self.process:
            self.log_file.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # cold shutdown: the test is over
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
            self.log_file.close()
