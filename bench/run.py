"""Server time and SQL queries of the main pages, on the large dataset and on the demo.

    .venv/bin/python bench/run.py              # both datasets, 30 requests per page
    .venv/bin/python bench/run.py --repeat 10  # quicker

Requests go through Django's full stack in-process (middleware, views,
templates) with the test client; the time is the server's, without network.
Run bench/generate.py first for the large dataset; the demo dataset is loaded
into its own database (delegation_crm_bench_demo) by this script.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import DEFAULT_URL, setup_django  # noqa: E402

DEMO_URL = DEFAULT_URL.replace("delegation_crm_bench", "delegation_crm_bench_demo")


def personas():
    """A manager, a busy organiser and the delegate with the most follow-ups."""
    from django.db.models import Count

    from contacts.models import User
    from events.models import Delegate

    manager = User.objects.filter(role=User.Role.MANAGER).order_by("pk").first()
    organiser_delegate = (
        Delegate.objects.filter(role__in=Delegate.ORGANISING_ROLES, person__user__isnull=False)
        .annotate(n=Count("mission__meetings"))
        .order_by("-n")
        .select_related("person__user", "mission")
        .first()
    )
    busy = (
        Delegate.objects.filter(person__user__isnull=False, role=Delegate.Role.DELEGATE)
        .annotate(n=Count("followups"))
        .order_by("-n")
        .select_related("person__user")
        .first()
    )
    return {
        "manager": manager,
        "organiser": organiser_delegate.person.user,
        "delegate": busy.person.user,
        "mission": organiser_delegate.mission,
    }


def pages(p):
    """(label, persona, url) for every main page; extend as pages are added."""
    from django.urls import reverse

    mission = p["mission"]
    return [
        ("landing: manager (all missions)", "manager", reverse("events:mission-list")),
        ("landing: organiser (my missions)", "organiser", reverse("events:mission-list")),
        ("landing: delegate (my follow-ups)", "delegate", reverse("followups:my-followups")),
        ("mission detail", "organiser", reverse("events:mission-detail", args=[mission.pk])),
        ("admin: organisations", "manager", reverse("admin:contacts_organisation_changelist")),
        ("admin: people", "manager", reverse("admin:contacts_person_changelist")),
        ("admin: meetings", "manager", reverse("admin:events_partneringmeeting_changelist")),
        ("admin: follow-ups", "manager", reverse("admin:followups_followup_changelist")),
    ]


def measure(repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client

    p = personas()
    clients = {}
    for role in ("manager", "organiser", "delegate"):
        client = Client()
        client.force_login(p[role])
        clients[role] = client
    results = []
    for label, role, url in pages(p):
        client = clients[role]
        for _ in range(2):  # warm caches and connections
            client.get(url)
        times = []
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        status = response.status_code
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results.append(
            {
                "label": label,
                "status": status,
                "median_ms": statistics.median(times),
                "p95_ms": times[max(0, int(len(times) * 0.95) - 1)],
                "queries": len(queries),
            }
        )
    return results


def child(url: str, repeat: int, load_demo: bool) -> None:
    setup_django(url=url, create_database=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if load_demo:
        call_command("load_demo", verbosity=0)
    print("RESULT " + json.dumps(measure(repeat)))


def run_child(url: str, repeat: int, load_demo: bool) -> list[dict]:
    args = [sys.executable, __file__, "--child", url, "--repeat", str(repeat)] + (["--demo"] if load_demo else [])
    output = subprocess.run(args, capture_output=True, text=True, check=False, env=os.environ.copy())
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"benchmark child failed:\n{output.stdout[-3000:]}\n{output.stderr[-3000:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--child")
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat, args.demo)
        return
    large_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"Pages, {args.repeat} requests each (server time in ms, SQL queries per request)\n")
    demo = {r["label"]: r for r in run_child(DEMO_URL, args.repeat, True)}
    large = run_child(large_url, args.repeat, False)
    header = f"{'page':<36} {'large p50':>9} {'p95':>7} {'queries':>7} │ {'demo p50':>8} {'p95':>7} {'queries':>7}"
    print(header)
    print("─" * len(header))
    for row in large:
        d = demo.get(row["label"], {})
        flag = "" if row["status"] == 200 else f"  (HTTP {row['status']})"
        print(
            f"{row['label']:<36} {row['median_ms']:>9.1f} {row['p95_ms']:>7.1f} {row['queries']:>7} │ "
            f"{d.get('median_ms', 0):>8.1f} {d.get('p95_ms', 0):>7.1f} {d.get('queries', 0):>7}{flag}"
        )


if __name__ == "__main__":
    main()
