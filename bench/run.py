"""Server time and SQL queries of the main pages, on the large dataset and on the demo.

    .venv/bin/python bench/run.py              # both datasets, 30 requests per page
    .venv/bin/python bench/run.py --repeat 10  # quicker

Requests go through Django's full stack in-process (middleware, views,
templates) with the test client; the time is the server's, without network.
Run bench/generate.py first for the large dataset; the demo dataset is loaded
into its own database (delegation_crm_bench_demo) by this script.
"""

import argparse
import io
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import DEFAULT_URL, setup_django  # noqa: E402

DEMO_URL = DEFAULT_URL.replace("delegation_crm_bench", "delegation_crm_bench_demo")


def personas():
    """A manager, the organiser of the biggest mission and the delegate with the most follow-ups."""
    from django.db.models import Count

    from contacts.models import User
    from events.models import Delegate, Mission

    manager = User.objects.filter(role=User.Role.MANAGER).order_by("pk").first()
    mission = Mission.objects.annotate(n=Count("meetings")).order_by("-n", "pk").first()
    organiser = (
        Delegate.objects.filter(mission=mission, role__in=Delegate.ORGANISING_ROLES, person__user__isnull=False)
        .select_related("person__user")
        .order_by("pk")
        .first()
    )
    busy = (
        Delegate.objects.filter(person__user__isnull=False, role=Delegate.Role.DELEGATE)
        .annotate(n=Count("followups"))
        .order_by("-n")
        .select_related("person__user")
        .first()
    )
    return {"manager": manager, "organiser": organiser.person.user, "delegate": busy.person.user, "mission": mission}


def pages(p):
    """(label, persona, url) for every main page; extend as pages are added (unbuilt pages are skipped)."""
    from django.urls import NoReverseMatch, reverse

    from contacts.models import Organisation, Person
    from events.models import PartneringMeeting

    mission = p["mission"]
    meeting = PartneringMeeting.objects.filter(mission=mission).order_by("pk").first()
    event = meeting.event if meeting and meeting.event_id else mission.events.order_by("pk").first()
    # A counterpart met on the big mission: its page shows meetings and history.
    organisation = (
        Organisation.objects.filter(meetings__mission=mission).order_by("pk").first()
        or Organisation.objects.order_by("pk").first()
    )
    person = Person.objects.filter(organisation=organisation).order_by("pk").first() or Person.objects.first()
    m = {"pk": mission.pk}
    rows = [
        ("landing: manager", "manager", "home", {}, "", True),
        ("landing: organiser", "organiser", "home", {}, "", True),
        ("landing: delegate", "delegate", "home", {}, "", True),
        ("missions: manager (all)", "manager", "events:mission-list", {}, ""),
        ("missions: organiser (mine)", "organiser", "events:mission-list", {}, ""),
        ("mission detail", "organiser", "events:mission-detail", m, ""),
        ("mission delegates", "organiser", "events:delegate-list", m, ""),
        ("event detail", "organiser", "events:event-detail", {"pk": event.pk} if event else None, ""),
        ("organisations", "manager", "contacts:organisation-list", {}, ""),
        ("organisations kind=university", "manager", "contacts:organisation-list", {}, "?kind=university"),
        ("organisations country=JP", "manager", "contacts:organisation-list", {}, "?country=JP"),
        ("organisations q=takeda", "manager", "contacts:organisation-list", {}, "?q=takeda"),
        ("organisations q=武田", "manager", "contacts:organisation-list", {}, "?q=%E6%AD%A6%E7%94%B0"),
        ("people", "manager", "contacts:person-list", {}, ""),
        ("people country=JP", "manager", "contacts:person-list", {}, "?country=JP"),
        ("people q=sato", "manager", "contacts:person-list", {}, "?q=sato"),
        ("organisation detail", "manager", "contacts:organisation-detail", {"pk": organisation.pk}, ""),
        ("person detail", "manager", "contacts:person-detail", {"pk": person.pk}, ""),
        ("typeahead org 'Take'", "organiser", "contacts:organisation-lookup", {}, "?q=Take"),
        ("typeahead org 「武田」", "organiser", "contacts:organisation-lookup", {}, "?q=%E6%AD%A6%E7%94%B0"),
        ("typeahead org 「タケダ」 (reading)", "organiser", "contacts:organisation-lookup", {}, "?q=" + quote("タケダ")),
        ("typeahead org 'Takda' (typo)", "organiser", "contacts:organisation-lookup", {}, "?q=Takda"),
        ("typeahead person 「佐藤」", "organiser", "contacts:person-lookup", {}, "?q=%E4%BD%90%E8%97%A4"),
        ("typeahead person 「さとう」 (reading)", "organiser", "contacts:person-lookup", {}, "?q=" + quote("さとう")),
        ("typeahead person 'Take'", "organiser", "contacts:person-lookup", {}, "?q=Take"),
        ("meetings: manager (all)", "manager", "meetings:list", {}, ""),
        ("meetings: organiser", "organiser", "meetings:list", {}, ""),
        ("meetings: mission+held", "manager", "meetings:list", {}, f"?mission={mission.pk}&status=held"),
        ("meeting detail", "organiser", "meetings:detail", {"pk": meeting.pk} if meeting else None, ""),
        ("enquiries", "organiser", "meetings:enquiry-list", {}, ""),
        ("my follow-ups", "delegate", "followups:my-followups", {}, ""),
        ("mission follow-ups", "organiser", "followups:mission-followups", {"mission_pk": mission.pk}, ""),
        ("mission follow-ups open", "organiser", "followups:mission-followups", {"mission_pk": mission.pk},
         "?status=open"),
        ("mission outcomes", "organiser", "followups:mission-outcomes", {"mission_pk": mission.pk}, ""),
        ("mission reminders", "organiser", "followups:mission-reminders", m, ""),
        ("mission report", "organiser", "followups:mission-report", m, ""),
        ("users (manager)", "manager", "users:list", {}, ""),
        ("users q=smith", "manager", "users:list", {}, "?q=smith"),
        ("privacy: retention review", "manager", "followups:privacy-retention", {}, ""),
        ("admin: organisations", "manager", "admin:contacts_organisation_changelist", {}, ""),
        ("admin: people", "manager", "admin:contacts_person_changelist", {}, ""),
        ("admin: missions", "manager", "admin:events_mission_changelist", {}, ""),
        ("admin: meetings", "manager", "admin:events_partneringmeeting_changelist", {}, ""),
        ("admin: follow-ups", "manager", "admin:followups_followup_changelist", {}, ""),
    ]  # fmt: skip
    result = []
    for label, role, name, kwargs, query, *follow in rows:
        if kwargs is None:
            continue
        try:
            url = reverse(name, kwargs=kwargs) + query
        except NoReverseMatch:
            print(f"  (skipped {label}: {name} is not built)", file=sys.stderr)
            continue
        result.append((label, role, url, bool(follow)))
    return result


def measure(repeat: int, exports: bool = True, pages_too: bool = True) -> list[dict]:
    from django.db import connection
    from django.test import Client

    p = personas()
    if not pages_too:
        return measure_exports(p["mission"])
    clients = {}
    for role in ("manager", "organiser", "delegate"):
        client = Client()
        client.force_login(p[role])
        clients[role] = client
    import delegation_crm.wsgi  # noqa: F401  (as a web worker starts: the app loaded, then gc.freeze())

    results = []
    for label, role, url, follow in pages(p):
        client = clients[role]
        for _ in range(2):  # warm caches and connections
            client.get(url, follow=follow)
        times = []
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, follow=follow)
        status = response.status_code
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url, follow=follow)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results.append(
            {
                "label": label,
                "status": status,
                "median_ms": statistics.median(times),
                "p95_ms": times[max(0, math.ceil(len(times) * 0.95) - 1)],
                "queries": len(queries),
            }
        )
        print(f"  {label}: {results[-1]['p95_ms']:.0f} ms p95", file=sys.stderr, flush=True)
    if exports:
        results.extend(measure_exports(p["mission"]))
    return results


def _copy_seconds(mission_id: int) -> float:
    """PostgreSQL's own COPY of the export's two big tables (meetings, follow-ups): the physical limit."""
    from django.db import connection

    meetings = f"""
        SELECT m.starts_at, e.title, m.location, m.status,
          (SELECT string_agg(o.name, '; ') FROM events_partneringmeeting_counterpart_organisations x
             JOIN contacts_organisation o ON o.id = x.organisation_id WHERE x.partneringmeeting_id = m.id),
          (SELECT string_agg(p.given_name || ' ' || p.family_name, '; ')
             FROM events_partneringmeeting_counterpart_people x
             JOIN contacts_person p ON p.id = x.person_id WHERE x.partneringmeeting_id = m.id),
          (SELECT string_agg(p.given_name || ' ' || p.family_name, '; ') FROM events_partneringmeeting_delegates x
             JOIN events_delegate d ON d.id = x.delegate_id JOIN contacts_person p ON p.id = d.person_id
             WHERE x.partneringmeeting_id = m.id),
          (SELECT string_agg(s.name, '; ') FROM events_partneringmeeting_sectors x
             JOIN contacts_sector s ON s.id = x.sector_id WHERE x.partneringmeeting_id = m.id),
          m.topic, m.interest, m.next_steps, m.duration_minutes
        FROM events_partneringmeeting m LEFT JOIN events_event e ON e.id = m.event_id
        WHERE m.mission_id = {mission_id:d} ORDER BY m.starts_at, m.id"""
    followups = f"""
        SELECT f.title, p.given_name || ' ' || p.family_name,
          (SELECT string_agg(o.name, '; ') FROM events_partneringmeeting_counterpart_organisations x
             JOIN contacts_organisation o ON o.id = x.organisation_id WHERE x.partneringmeeting_id = f.meeting_id),
          f.due_on, f.status, f.priority, f.completed_at, f.completion_note
        FROM followups_followup f JOIN events_delegate d ON d.id = f.assignee_id
        JOIN contacts_person p ON p.id = d.person_id
        WHERE f.mission_id = {mission_id:d} ORDER BY f.due_on, f.id"""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for query in (meetings, followups):
            cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", io.StringIO())
    return time.perf_counter() - start


def measure_exports(mission, repeat: int = 3, formats=("csv", "xlsx", "pdf")) -> list[dict]:
    """Each export of the biggest mission, built as the worker builds it (report + writer), into memory."""
    from django.db import connection

    from followups.exports import WRITERS
    from followups.report import ReportFilters, export_row_estimate, mission_report

    rows = export_row_estimate(mission=mission, filters=ReportFilters())
    results = []
    for fmt in formats:
        times, queries = [], []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        for attempt in range(repeat):
            start = time.perf_counter()
            if attempt == 0:
                with connection.execute_wrapper(count):
                    WRITERS[fmt](mission_report(mission=mission), io.BytesIO())
            else:
                WRITERS[fmt](mission_report(mission=mission), io.BytesIO())
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        label = f"export {fmt.upper()} ({mission.meetings.count():,} meetings, {rows:,} rows)"
        print(f"  {label}: {times[-1]:.0f} ms", file=sys.stderr, flush=True)
        results.append(
            {"label": label, "key": f"export {fmt}", "status": 200, "median_ms": statistics.median(times),
             "p95_ms": times[-1], "queries": len(queries)}
        )  # fmt: skip
    copies = sorted(_copy_seconds(mission.pk) * 1000 for _ in range(repeat))
    results.append(
        {"label": "COPY of the same rows (limit)", "key": "copy", "status": 200,
         "median_ms": statistics.median(copies), "p95_ms": copies[-1], "queries": 2}
    )  # fmt: skip
    return results


def child(url: str, repeat: int, load_demo: bool, exports: bool, pages_too: bool = True) -> None:
    setup_django(url=url, create_database=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if load_demo:
        call_command("load_demo", verbosity=0)
    print("RESULT " + json.dumps(measure(repeat, exports, pages_too)))


def run_child(url: str, repeat: int, load_demo: bool, exports: bool, pages_too: bool = True) -> list[dict]:
    args = [sys.executable, __file__, "--child", url, "--repeat", str(repeat)] + (["--demo"] if load_demo else [])
    args += [] if exports else ["--no-exports"]
    args += [] if pages_too else ["--exports-only"]
    print(f"Measuring on {url.rsplit('/', 1)[-1]}…", file=sys.stderr, flush=True)
    # Progress (stderr) goes straight to the terminal; the result comes back on stdout.
    output = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=False, env=os.environ.copy())
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"benchmark child failed:\n{output.stdout[-3000:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--child")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--no-exports", action="store_true", help="pages only")
    parser.add_argument("--exports-only", action="store_true", help="the exports and the COPY comparison only")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat, args.demo, not args.no_exports, not args.exports_only)
        return
    large_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"Pages, {args.repeat} requests each (server time in ms, SQL queries per request)\n")
    pages_too = not args.exports_only
    demo = {r.get("key", r["label"]): r for r in run_child(DEMO_URL, args.repeat, True, not args.no_exports, pages_too)}
    large = run_child(large_url, args.repeat, False, not args.no_exports, pages_too)
    header = f"{'page':<36} {'large p50':>9} {'p95':>7} {'queries':>7} │ {'demo p50':>8} {'p95':>7} {'queries':>7}"
    print(header)
    print("─" * len(header))
    for row in large:
        d = demo.get(row.get("key", row["label"]), {})
        flag = "" if row["status"] == 200 else f"  (HTTP {row['status']})"
        print(
            f"{row['label']:<36} {row['median_ms']:>9.1f} {row['p95_ms']:>7.1f} {row['queries']:>7} │ "
            f"{d.get('median_ms', 0):>8.1f} {d.get('p95_ms', 0):>7.1f} {d.get('queries', 0):>7}{flag}"
        )


if __name__ == "__main__":
    main()
