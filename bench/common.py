"""Shared set-up for the benchmark scripts: Django on the benchmark database."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/delegation_crm_bench"


def setup_django(*, url: str | None = None, create_database: bool = False) -> None:
    url = url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "delegation_crm.settings_test"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if create_database:
        ensure_database(url)
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import urllib.parse

    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlparse(url)
    params = dict(host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password)
    name = parts.path.lstrip("/")
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
