"""Indexes for the directory search and the typeahead ranking (see contacts/search.py, contacts/filters.py).

- ``*_search_key_prefix`` / ``*_native_prefix``: btree in byte order ("C") on the Latin key and on the
  native-script name without spaces, so that "names starting with the query" are one range scan,
  read in key order (the exact name first), however many records match.
- ``person_email_trgm``: trigram GIN on UPPER(email), what ``email__icontains`` compiles to.
- ``organisation_city_ci``: UPPER(city), what ``city__iexact`` compiles to.

PostgreSQL only, like the typeahead's GIN indexes: SQLite searches with LIKE.
"""

from django.db import migrations

NATIVE_KEY = "(REPLACE(REPLACE(name_native, ' ', ''), '\u3000', '') COLLATE \"C\")"
INDEXES = [
    ("organisation_search_key_prefix", "contacts_organisation", 'btree ((search_key COLLATE "C"), id)'),
    ("organisation_native_prefix", "contacts_organisation", f"btree ({NATIVE_KEY}, id)"),
    ("organisation_city_ci", "contacts_organisation", "btree (UPPER(city::text))"),
    ("person_search_key_prefix", "contacts_person", 'btree ((search_key COLLATE "C"), id)'),
    ("person_native_prefix", "contacts_person", f"btree ({NATIVE_KEY}, id)"),
    ("person_email_trgm", "contacts_person", "gin (UPPER(email::text) gin_trgm_ops)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_directory_order_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
