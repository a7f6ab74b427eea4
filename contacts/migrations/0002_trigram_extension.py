from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for duplicate detection (similar names in either script). A no-op on SQLite."""

    dependencies = [("contacts", "0001_initial")]

    operations = [TrigramExtension()]
