"""Importing files: delegates, contacts and partnering-meeting lists. Nothing in this package writes.

- ``files``: the uploaded bytes become a table (CSV by content, in UTF-8 or an encoding
  the user chose; XLSX through openpyxl in read-only mode), within fixed bounds.
- ``fields``: which column feeds which field, guessed from the headers or remembered.
- ``values``: cells become dates, times, names, countries and statuses.
- ``plan`` and ``planners``: every row resolved against the database without writing:
  per-row errors, and for each organisation, person, delegate or meeting whether it
  already exists (organisations through the identity resolver; people by email or
  name; the mission's delegate; the meeting's time and counterpart) or will be created.

The preview shows the plan; ``events.services`` executes a fresh plan inside one
transaction, so the same file imported twice creates nothing new. What the rest of
the app uses is imported here.
"""

from .fields import fields_for, guess_mapping, is_two_sided, mapping_problems, remembered_mapping
from .files import (
    ENCODING_CHOICES,
    ImportFileError,
    Table,
    cell_text,
    file_sha256,
    max_upload_bytes,
    read_table,
    too_large_message,
)
from .plan import Plan, Planned, RowPlan
from .planners import plan_import
from .values import guess_date_order, parse_date, parse_time_range, split_person_name

__all__ = [
    "ENCODING_CHOICES",
    "ImportFileError",
    "Plan",
    "Planned",
    "RowPlan",
    "Table",
    "cell_text",
    "fields_for",
    "file_sha256",
    "guess_date_order",
    "guess_mapping",
    "is_two_sided",
    "mapping_problems",
    "max_upload_bytes",
    "parse_date",
    "parse_time_range",
    "plan_import",
    "read_table",
    "remembered_mapping",
    "split_person_name",
    "too_large_message",
]
