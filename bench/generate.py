"""Fill a PostgreSQL database with a large, realistic dataset, fast.

    .venv/bin/python bench/generate.py                 # full size (see SIZES)
    .venv/bin/python bench/generate.py --scale 0.01    # 1 % for a quick try

Rows go in with COPY, with explicit ids so foreign keys can be drawn without
reading anything back. Columns the generator does not set get the model
field's default, so a new field with a default needs no change here. The target
database (BENCH_DATABASE_URL, default .../delegation_crm_bench) is emptied
first; the script refuses a database whose name does not contain "bench".
"""

import argparse
import csv
import functools
import io
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import setup_django  # noqa: E402

SIZES = {
    "organisations": 200_000,
    "people": 1_000_000,
    "missions": 300,
    "events": 20_000,
    "meetings": 500_000,
    "followups": 1_000_000,
    "outcomes": 50_000,
    "users": 5_000,
    "delegates_per_mission": 40,
    "enquiries": 20_000,
}

JP_STEMS = [
    ("武田", "Takeda"), ("佐藤", "Sato"), ("山田", "Yamada"), ("中外", "Chugai"), ("協和", "Kyowa"),
    ("富士", "Fuji"), ("大塚", "Otsuka"), ("第一", "Daiichi"), ("塩野", "Shiono"), ("小野", "Ono"),
    ("住友", "Sumitomo"), ("田辺", "Tanabe"), ("参天", "Santen"), ("久光", "Hisamitsu"), ("鈴木", "Suzuki"),
    ("高橋", "Takahashi"), ("田中", "Tanaka"), ("渡辺", "Watanabe"), ("伊藤", "Ito"), ("中村", "Nakamura"),
    ("小林", "Kobayashi"), ("加藤", "Kato"), ("吉田", "Yoshida"), ("松本", "Matsumoto"), ("井上", "Inoue"),
    ("木村", "Kimura"), ("林", "Hayashi"), ("清水", "Shimizu"), ("山口", "Yamaguchi"), ("森", "Mori"),
    ("横浜", "Yokohama"), ("神戸", "Kobe"), ("京都", "Kyoto"), ("大阪", "Osaka"), ("東京", "Tokyo"),
]  # fmt: skip
JP_SUFFIXES = [
    ("薬品工業", "Yakuhin Kogyo", "Pharmaceutical"), ("製薬", "Seiyaku", "Pharma"), ("バイオ", "Baio", "Bio"),
    ("医療", "Iryo", "Medical"), ("化学", "Kagaku", "Chemical"), ("研究所", "Kenkyujo", "Research Institute"),
    ("ライフサイエンス", "Raifu Saiensu", "Life Sciences"), ("大学", "Daigaku", "University"),
]  # fmt: skip
JP_GIVEN = [("健", "Ken"), ("美咲", "Misaki"), ("浩", "Hiroshi"), ("由美", "Yumi"), ("翔", "Sho"), ("愛子", "Aiko"),
            ("大輔", "Daisuke"), ("陽菜", "Hina"), ("蓮", "Ren"), ("結衣", "Yui"), ("拓也", "Takuya"), ("さくら", "Sakura")]  # fmt: skip
LATIN_WORDS = ["Bio", "Gen", "Thera", "Cell", "Nova", "Vita", "Onco", "Immuno", "Helix", "Axon", "Cura", "Medi",
               "Syn", "Neuro", "Cardio", "Regen", "Pharma", "Omics", "Lumen", "Vector", "Quanta", "Apex", "Zen"]  # fmt: skip
LATIN_TAILS = ["Therapeutics", "Biosciences", "Ltd", "Labs", "Health", "Diagnostics", "University", "Institute", "GmbH"]
GIVEN = ["Oscar", "Amelia", "James", "Sophie", "Robin", "Martin", "Hannah", "Priya", "Neil", "Maya", "Eric", "Joe",
         "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Leo", "Isla", "Arjun", "Chloe", "Tom"]  # fmt: skip
FAMILY = ["Ces", "Turner", "Knight", "Clarke", "Okafor", "Lang", "Price", "Shah", "Harris", "Lin", "David", "Smith",
          "Jones", "Taylor", "Brown", "Wilson", "Evans", "Patel", "Khan", "Müller", "Dubois", "Rossi", "García"]  # fmt: skip
COUNTRIES = ["GB"] * 8 + ["US"] * 3 + ["DE", "FR", "NL", "SE", "CH", "SG", "KR", "CA"]
MISSION_PLACES = [("JP", "Yokohama", "Asia/Tokyo"), ("JP", "Tokyo", "Asia/Tokyo"), ("US", "Boston", "America/New_York"),
                  ("US", "San Diego", "America/Los_Angeles"), ("DE", "Munich", "Europe/Berlin"),
                  ("SG", "Singapore", "Asia/Singapore"), ("KR", "Seoul", "Asia/Seoul"), ("GB", "London", "Europe/London")]  # fmt: skip
SECTORS = ["Regenerative medicine", "Oncology", "Immunotherapy", "Ageing", "Cell and gene therapy", "Data analytics",
           "Drug discovery", "Medical technology", "Bioprinting", "Diagnostics", "Digital health", "Vaccines"]  # fmt: skip


class Copier:
    """COPY rows into a model's table, filling unspecified columns with field defaults."""

    def __init__(self, connection):
        self.connection = connection

    @staticmethod
    def _cell(value):
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        return value

    def copy(self, model_or_table, columns, rows, *, chunk=100_000):
        from django.db import models

        if isinstance(model_or_table, str):
            table, extra = model_or_table, {}
        else:
            table = model_or_table._meta.db_table
            extra = {}
            for field in model_or_table._meta.concrete_fields:
                if field.column in columns or field.column == "id":
                    continue
                if field.has_default() or field.null or isinstance(field, models.DateTimeField):
                    default = field.get_default() if field.has_default() else None
                    if default is None and not field.null and isinstance(field, models.DateTimeField):
                        default = datetime.now(UTC)
                    extra[field.column] = self._cell(default)
                elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
                    extra[field.column] = ""
                else:
                    raise SystemExit(f"bench/generate.py sets no value for {table}.{field.column}: add it.")
        all_columns = list(columns) + list(extra)
        extra_values = list(extra.values())
        sql = f"COPY {table} ({', '.join(all_columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        total = 0
        with self.connection.cursor() as cursor:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow([self._cell(v) for v in row] + extra_values)
                total += 1
                if total % chunk == 0:
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    buffer = io.StringIO()
                    writer = csv.writer(buffer)
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
        return total


def _execute(connection, statements) -> int:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return len(statements)


def drop_secondary_indexes(connection, tables) -> list[tuple[str, str]]:
    """Drop the indexes that back no constraint (recreated after loading: faster than maintaining them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY pg_relation_size(i.indrelid) DESC, 1
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return indexes


def check_foreign_keys(connection, tables) -> int:
    """Every foreign key of the loaded tables points at an existing row (else stop with the culprit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) AND cardinality(c.conkey) = 1
            """,
            [list(tables)],
        )
        keys = cursor.fetchall()
        for table, column, target, target_column in keys:
            cursor.execute(
                f"SELECT {column} FROM {table} t WHERE {column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {target} r WHERE r.{target_column} = t.{column}) LIMIT 1"
            )
            orphan = cursor.fetchone()
            if orphan:
                raise SystemExit(f"{table}.{column} = {orphan[0]} points at no row of {target}")
    return len(keys)


def empty_existing_tables(connection) -> None:
    """Empty the app tables of an earlier run before migrating (data migrations then have nothing to do)."""
    tables = [
        t for t in connection.introspection.table_names() if t.split("_")[0] in ("contacts", "events", "followups")
    ]
    if tables:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def generate(scale: float, seed: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from contacts.identity.names import organisation_keys
    from contacts.models import Organisation, Person, Sector, User
    from contacts.search import build_keys
    from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting
    from followups.models import FollowUp, Outcome, Testimonial

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to fill database {name!r}: its name must contain 'bench'.")
    rnd = random.Random(seed)
    n = {key: max(1, int(value * scale)) for key, value in SIZES.items()}
    n["missions"] = max(3, n["missions"])
    n["delegates_per_mission"] = SIZES["delegates_per_mission"]
    n["users"] = max(10, n["users"])
    copier = Copier(connection)
    counts = {}
    now = datetime.now(UTC)
    today = now.date()

    app_tables = [
        m._meta.db_table for m in connection.introspection.installed_models(connection.introspection.table_names())
    ]
    own = [t for t in app_tables if t.split("_")[0] in ("contacts", "events", "followups")]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(own)} RESTART IDENTITY CASCADE")
    secondary = drop_secondary_indexes(connection, own)
    # Foreign keys are checked by triggers, row by row: the generator draws every key from
    # ids it has just written, so the checks are skipped while loading (the result is the
    # same rows; check_foreign_keys() below proves it with one anti-join per key).
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")

    def org_keys(*names):
        # Key characters are letters, digits and ":" only: a PostgreSQL array literal needs no quoting.
        return (*build_keys(*names), "{" + ",".join(organisation_keys(*names)) + "}")

    person_keys = functools.lru_cache(maxsize=None)(build_keys)  # people's names repeat: compute each once

    def timed(label, fn, unit="rows", quiet_below=None):
        start = time.perf_counter()
        result = fn()
        counts[label] = result
        elapsed = time.perf_counter() - start
        if quiet_below is None or elapsed >= quiet_below:
            print(f"  {label:<40} {result:>10,} {unit:<7} {elapsed:6.1f} s", flush=True)
        return elapsed

    timed("sectors", lambda: copier.copy(Sector, ["id", "name", "slug"],
          ((i + 1, s, s.lower().replace(" ", "-")) for i, s in enumerate(SECTORS))))  # fmt: skip

    org_country = [""] * (n["organisations"] + 1)  # copied onto their people (Person.organisation_country)

    def organisations():
        for i in range(1, n["organisations"] + 1):
            if i % 5 == 0:
                org_country[i] = "JP"
                stem, stem_r = rnd.choice(JP_STEMS)
                suffix, suffix_r, english = rnd.choice(JP_SUFFIXES)
                names = (f"{stem_r} {english} {i}", f"{stem}{suffix}", f"{stem_r} {suffix_r}")
                yield (i, *names, "university" if english == "University" else "company", "JP", "Tokyo",
                       *org_keys(*names), now, now)  # fmt: skip
            else:
                word = rnd.choice(LATIN_WORDS) + rnd.choice(LATIN_WORDS).lower()
                tail = rnd.choice(LATIN_TAILS)
                kind = "university" if tail == "University" else rnd.choice(["company", "sme", "sme", "investor"])
                names = (f"{word} {tail} {i}", "", "")
                org_country[i] = rnd.choice(COUNTRIES)
                yield (i, *names, kind, org_country[i], "", *org_keys(*names), now, now)

    timed("organisations", lambda: copier.copy(
        Organisation, ["id", "name", "name_native", "name_reading", "kind", "country", "city",
                       "search_key", "search_grams", "identity_keys", "created_at", "modified_at"],
        organisations()))  # fmt: skip
    timed("organisation sectors", lambda: copier.copy(
        Organisation.sectors.through._meta.db_table, ["organisation_id", "sector_id"],
        ((i, s) for i in range(1, n["organisations"] + 1)
         for s in rnd.sample(range(1, len(SECTORS) + 1), rnd.choice([1, 1, 2])))))  # fmt: skip

    password = make_password("bench-password")

    def users():
        for i in range(1, n["users"] + 1):
            role = "manager" if i <= max(1, n["users"] // 100) else ("organiser" if i % 10 == 0 else "delegate")
            yield (i, f"user{i}", f"user{i}@bench.example.org", password, role, "Europe/London", f"token-{i}",
                   role == "manager", role == "manager", True, now, "", "")  # fmt: skip

    timed("users", lambda: copier.copy(
        User, ["id", "username", "email", "password", "role", "time_zone", "calendar_token", "is_superuser",
               "is_staff", "is_active", "date_joined", "first_name", "last_name"], users()))  # fmt: skip

    def people():
        for i in range(1, n["people"] + 1):
            org = rnd.randint(1, n["organisations"])
            user = i if i <= n["users"] else None
            if org % 5 == 0:
                family, family_r = rnd.choice(JP_STEMS)
                given, given_r = rnd.choice(JP_GIVEN)
                names = (given_r, family_r, f"{family} {given}", f"{family_r} {given_r}")
                yield (i, *names, "family_first", org, org_country[org], f"p{i}@bench.example.org", "Asia/Tokyo",
                       user, *person_keys(*names), now, now)  # fmt: skip
            else:
                names = (rnd.choice(GIVEN), rnd.choice(FAMILY), "", "")
                yield (i, *names, "given_first", org, org_country[org], f"p{i}@bench.example.org", "Europe/London",
                       user, *person_keys(*names), now, now)  # fmt: skip

    timed("people", lambda: copier.copy(
        Person, ["id", "given_name", "family_name", "name_native", "name_reading", "name_order", "organisation_id",
                 "organisation_country", "email", "time_zone", "user_id", "search_key", "search_grams", "created_at", "modified_at"], people()))  # fmt: skip

    missions = []
    for i in range(1, n["missions"] + 1):
        country, city, tz = rnd.choice(MISSION_PLACES)
        start = today - timedelta(days=rnd.randint(-60, 3650))
        missions.append((i, f"Mission {i} to {city}", "outbound", country, city, start, start + timedelta(days=4), tz,
                         "completed" if start < today else "confirmed", now, now))  # fmt: skip
    timed("missions", lambda: copier.copy(
        Mission, ["id", "title", "direction", "destination_country", "destination_city", "start_date", "end_date",
                  "time_zone", "status", "created_at", "modified_at"], missions))  # fmt: skip

    # Delegates: the first people (who have logins) spread over missions, plus others.
    delegates_by_mission: dict[int, list[int]] = {}
    delegate_rows = []
    delegate_id = 0
    for mission in missions:
        chosen = set(rnd.sample(range(1, n["users"] + 1), min(n["users"], n["delegates_per_mission"] // 2)))
        while len(chosen) < n["delegates_per_mission"]:
            chosen.add(rnd.randint(1, n["people"]))
        ids = []
        for k, person in enumerate(sorted(chosen)):
            delegate_id += 1
            ids.append(delegate_id)
            role = "organiser" if k < 2 else ("lead" if k == 2 else "delegate")
            delegate_rows.append((delegate_id, mission[0], person, role, now, now))
        delegates_by_mission[mission[0]] = ids
    timed("delegates", lambda: copier.copy(
        Delegate, ["id", "mission_id", "person_id", "role", "created_at", "modified_at"], delegate_rows))  # fmt: skip

    events_by_mission: dict[int, list[int]] = {m[0]: [] for m in missions}
    mission_start = {m[0]: m[5] for m in missions}
    event_rows = []
    kinds = ["conference", "partnering", "reception", "symposium", "site_visit", "stand"]
    for i in range(1, n["events"] + 1):
        mission = missions[(i - 1) % len(missions)]
        day = mission[5] + timedelta(days=rnd.randint(0, 4))
        starts = datetime(day.year, day.month, day.day, rnd.randint(0, 8), tzinfo=UTC)
        events_by_mission[mission[0]].append(i)
        event_rows.append((i, mission[0], rnd.choice(kinds), f"Event {i}", "Venue", mission[4], starts,
                           starts + timedelta(hours=rnd.randint(1, 9)), mission[7], rnd.randint(10, 400), now, now))  # fmt: skip
    timed("events", lambda: copier.copy(
        Event, ["id", "mission_id", "kind", "title", "venue", "city", "starts_at", "ends_at", "time_zone",
                "attendance", "created_at", "modified_at"], event_rows))  # fmt: skip

    meeting_mission = []
    statuses = ["held"] * 8 + ["scheduled", "cancelled", "no_show", "requested"]

    big_mission = min(5_000, n["meetings"] // 3)

    def meetings():
        for i in range(1, n["meetings"] + 1):
            # Mission 1 is a big one (5 000 meetings at full size) for the export timings.
            mission_id = 1 if i <= big_mission else rnd.randint(1, n["missions"])
            meeting_mission.append(mission_id)
            events = events_by_mission[mission_id]
            start = mission_start[mission_id] + timedelta(days=rnd.randint(0, 4))
            starts = datetime(start.year, start.month, start.day, rnd.randint(0, 9), rnd.choice([0, 30]), tzinfo=UTC)
            yield (i, mission_id, rnd.choice(events) if events else None, starts, 30, f"Table {rnd.randint(1, 60)}",
                   rnd.choice(statuses), f"Partnering topic {i}", rnd.choice([1, 2, 3, None]), now, now)  # fmt: skip

    timed("meetings", lambda: copier.copy(
        PartneringMeeting, ["id", "mission_id", "event_id", "starts_at", "duration_minutes", "location", "status",
                            "topic", "interest", "created_at", "modified_at"], meetings()))  # fmt: skip
    through = PartneringMeeting.delegates.through._meta.db_table
    timed("meeting delegates", lambda: copier.copy(
        through, ["partneringmeeting_id", "delegate_id"],
        ((i + 1, d) for i, m in enumerate(meeting_mission)
         for d in rnd.sample(delegates_by_mission[m], rnd.choice([1, 1, 2]))) ))  # fmt: skip
    timed("meeting counterparts", lambda: copier.copy(
        PartneringMeeting.counterpart_organisations.through._meta.db_table, ["partneringmeeting_id", "organisation_id"],
        ((i, rnd.randint(1, n["organisations"])) for i in range(1, n["meetings"] + 1))))  # fmt: skip
    timed("meeting counterpart people", lambda: copier.copy(
        PartneringMeeting.counterpart_people.through._meta.db_table, ["partneringmeeting_id", "person_id"],
        ((i, rnd.randint(1, n["people"])) for i in range(1, n["meetings"] + 1) if i % 2)))  # fmt: skip
    timed("meeting sectors", lambda: copier.copy(
        PartneringMeeting.sectors.through._meta.db_table, ["partneringmeeting_id", "sector_id"],
        ((i, rnd.randint(1, len(SECTORS))) for i in range(1, n["meetings"] + 1))))  # fmt: skip

    timed("enquiries", lambda: copier.copy(
        Enquiry, ["id", "mission_id", "asked_at", "asker_name", "organisation_id", "category", "question", "status",
                  "assigned_to_id", "created_at", "modified_at"],
        ((i, m, now, "Visitor", rnd.randint(1, n["organisations"]), "setting_up", "Where to set up?", "open",
          rnd.choice(delegates_by_mission[m]), now, now)
         for i in range(1, n["enquiries"] + 1) for m in [rnd.randint(1, n["missions"])])))  # fmt: skip

    def followups():
        for i in range(1, n["followups"] + 1):
            meeting = rnd.randint(1, n["meetings"])
            mission_id = meeting_mission[meeting - 1]
            due = mission_start[mission_id] + timedelta(days=rnd.randint(5, 60))
            done = due < today and rnd.random() < 0.6
            yield (i, mission_id, meeting, f"Follow up on meeting {meeting}",
                   rnd.choice(delegates_by_mission[mission_id]), due, "done" if done else "open", rnd.choice([1, 2, 3]),
                   datetime(due.year, due.month, due.day, 12, tzinfo=UTC) if done else None, now, now)  # fmt: skip

    timed("follow-ups", lambda: copier.copy(
        FollowUp, ["id", "mission_id", "meeting_id", "title", "assignee_id", "due_on", "status", "priority",
                   "completed_at", "created_at", "modified_at"], followups()))  # fmt: skip

    kinds = ["mou", "visit", "collaboration", "deal", "investment", "office", "sale"]

    def outcomes():
        for i in range(1, n["outcomes"] + 1):
            mission_id = rnd.randint(1, n["missions"])
            kind = rnd.choice(kinds)
            valued = kind in ("deal", "investment", "sale")
            yield (i, mission_id, kind, f"Outcome {i}", rnd.randint(10_000, 5_000_000) if valued else None,
                   rnd.choice(["GBP", "JPY", "USD"]) if valued else "", rnd.randint(0, 40) if valued else None,
                   mission_start[mission_id] + timedelta(days=rnd.randint(5, 200)), now, now)  # fmt: skip

    timed("outcomes", lambda: copier.copy(
        Outcome, ["id", "mission_id", "kind", "title", "value", "currency", "jobs", "achieved_on", "created_at",
                  "modified_at"], outcomes()))  # fmt: skip
    timed("outcome organisations", lambda: copier.copy(
        Outcome.organisations.through._meta.db_table, ["outcome_id", "organisation_id"],
        ((i, rnd.randint(1, n["organisations"])) for i in range(1, n["outcomes"] + 1))))  # fmt: skip
    timed("testimonials", lambda: copier.copy(
        Testimonial, ["id", "mission_id", "attribution", "quote", "approved", "created_at", "modified_at"],
        ((i, m[0], "A delegate", "A very useful mission.", True, now, now) for i, m in enumerate(missions, 1))))  # fmt: skip

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    by_table: dict[str, list[str]] = {}
    for _name, definition in secondary:
        by_table.setdefault(definition.split(" ON ")[1].split()[0].removeprefix("public."), []).append(definition)
    quick = 0.0
    for table, definitions in by_table.items():
        elapsed = timed(f"indexes on {table}"[:40], lambda d=definitions: _execute(connection, d), "indexes", 0.5)
        quick += elapsed if elapsed < 0.5 else 0
    print(f"  {'indexes on the other tables':<40} {'':>10} {'':<7} {quick:6.1f} s")
    timed("foreign keys checked", lambda: check_foreign_keys(connection, own), "keys")
    with connection.cursor() as cursor:
        for table in own:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {table}), 1))", [sequence])  # noqa: S608
    # VACUUM sets the visibility map, as autovacuum would soon after a load: without it
    # PostgreSQL cannot answer counts with index-only scans, and pages would look slower than they are.
    timed("vacuum analyze", lambda: _execute(connection, ["VACUUM ANALYZE"]), "runs")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    setup_django(create_database=True)
    from django.core.management import call_command
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit(
            f"Refusing to fill database {connection.settings_dict['NAME']!r}: its name must contain 'bench'."
        )
    empty_existing_tables(connection)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    print(f"Generating the benchmark dataset at scale {args.scale}:")
    generate(args.scale, args.seed)
    print(f"Done in {time.perf_counter() - start:.0f} s.")


if __name__ == "__main__":
    main()
