"""Readable change history for any record tracked by django-simple-history.

One mechanism for every history tab: ``history_entries(record)`` turns the
record's historical rows into entries (who, when, what changed from what to
what, with choice labels, related records' names and many-to-many additions
and removals) and ``templates/includes/history.html`` shows them. It lives in
contacts, the bottom of the dependency chain, so every app can use it.

Queries: one for the historical rows (with their users), one per tracked
many-to-many field and one per kind of related record named, whatever the
number of changes.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.shortcuts import render
from django.utils import dateformat, timezone

# Bookkeeping that the entry itself already says (who and when).
HIDDEN_FIELDS = {"id", "created_at", "modified_at", "created_by", "modified_by", "version"}
# Text longer than this is shown folded (the whole text is still there).
LONG_TEXT = 160
EMPTY = "—"
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class FieldChange:
    label: str
    old: str = EMPTY
    new: str = EMPTY
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def is_many(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def is_long(self) -> bool:
        return len(self.old) > LONG_TEXT or len(self.new) > LONG_TEXT


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[FieldChange]
    reason: str = ""
    user_id: int | None = None
    last_at: datetime | None = None  # the last historical row folded into this entry


def history_user_for(obj, user):
    """Name the user behind a change made outside a web request (a Celery task, a
    management command): simple_history's middleware only knows the request's user."""
    obj._history_user = user
    return obj


@contextmanager
def one_entry(record, user=None):
    """One user action, one history entry: a save writes a historical row for the record and one
    more for each many-to-many field it sets; inside this block they all carry the same time,
    which ``history_entries`` shows as one entry."""
    if user is not None:
        record._history_user = user
    record._history_date = timezone.now()
    try:
        yield record
    finally:
        del record._history_date


def history_entries(record, *, limit: int = 200) -> list[HistoryEntry]:
    """The record's changes, newest first (at most ``limit``)."""
    history_model = record.history.model
    rows = list(
        history_model.objects.filter(**{record._meta.pk.attname: record.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows.reverse()  # oldest first, so each row is compared with the one before it
    fields = [f for f in history_model.tracked_fields if f.name not in HIDDEN_FIELDS]
    # merged_into is not editable but is what a merge changes: show it.
    fields = [f for f in fields if f.editable or f.name == "merged_into"]
    m2m_fields = list(getattr(history_model, "_history_m2m_fields", []))
    m2m_values = _m2m_values(history_model, m2m_fields, [r.history_id for r in rows])
    names = _related_names(fields, m2m_fields, rows, m2m_values)

    entries = []
    previous = None
    for index, row in enumerate(rows):
        if index == 0 and len(rows) > limit:
            previous = row  # only there to compare the oldest shown row with
            continue
        changes = []
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and row.history_type == "+" and _is_empty(new):
                continue
            if row.history_type == "-":
                continue
            changes.append(FieldChange(_label(f), _display(f, old, names), _display(f, new, names)))
        for f in m2m_fields:
            new_ids = m2m_values[f.name].get(row.history_id, set())
            old_ids = m2m_values[f.name].get(previous.history_id, set()) if previous is not None else set()
            if new_ids == old_ids or row.history_type == "-":
                continue
            related = names.get(f.related_model, {})
            changes.append(
                FieldChange(
                    _label(f),
                    added=sorted(related.get(pk, f"#{pk}") for pk in new_ids - old_ids),
                    removed=sorted(related.get(pk, f"#{pk}") for pk in old_ids - new_ids),
                )
            )
        previous = row
        if row.history_type == "~" and not changes:
            continue  # a save that changed nothing
        last = entries[-1] if entries else None
        if (
            last is not None
            and row.history_type == "~"
            and last.user_id == row.history_user_id
            and row.history_date == last.last_at
        ):
            _fold(last, changes, row.history_date)  # the rest of the same save: one entry
            continue
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=str(row.history_user) if row.history_user else "System",
                action=ACTIONS.get(row.history_type, row.history_type),
                changes=changes,
                reason=row.history_change_reason or "",
                user_id=row.history_user_id,
                last_at=row.history_date,
            )
        )
    entries.reverse()
    return entries


def _fold(entry: HistoryEntry, changes: list[FieldChange], when: datetime) -> None:
    """Add a later row's changes to the entry of the same action: a field changed twice keeps its
    first old value and its last new one; many-to-many additions and removals add up."""
    by_label = {change.label: change for change in entry.changes}
    for change in changes:
        earlier = by_label.get(change.label)
        if earlier is None:
            entry.changes.append(change)
            by_label[change.label] = change
        elif change.is_many or earlier.is_many:
            added = (set(earlier.added) - set(change.removed)) | set(change.added)
            removed = (set(earlier.removed) - set(change.added)) | set(change.removed)
            earlier.added, earlier.removed = sorted(added), sorted(removed)
        else:
            earlier.new = change.new
    entry.last_at = when


def _m2m_values(history_model, m2m_fields, history_ids) -> dict[str, dict[int, set]]:
    """For each tracked many-to-many field: history id -> ids of the related records then."""
    values: dict[str, dict[int, set]] = {}
    by_through = {
        rel.related_model.instance_type: rel.related_model
        for rel in history_model._meta.related_objects
        if hasattr(rel.related_model, "instance_type")
    }
    for f in m2m_fields:
        through = f.remote_field.through
        m2m_history_model = by_through[through]
        target = _through_target(through, f)
        values[f.name] = {}
        for history_id, related_id in m2m_history_model.objects.filter(history_id__in=history_ids).values_list(
            "history_id", f"{target}_id"
        ):
            values[f.name].setdefault(history_id, set()).add(related_id)
    return values


def _through_target(through, m2m_field) -> str:
    """The name of the through table's foreign key to the related model (not to the record)."""
    return m2m_field.m2m_reverse_field_name()


def _related_names(fields, m2m_fields, rows, m2m_values) -> dict:
    """Names of every related record mentioned, one query per related model."""
    wanted: dict[type, set] = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in rows} - {None}
            wanted.setdefault(f.related_model, set()).update(ids)
    for f in m2m_fields:
        ids = set().union(*m2m_values[f.name].values()) if m2m_values[f.name] else set()
        wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        if ids:
            names[model] = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}
    return names


def _label(f) -> str:
    label = str(f.verbose_name)
    return label[:1].upper() + label[1:]


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def _display(f, value, names) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(f, models.ForeignKey):
        return names.get(f.related_model, {}).get(value, f"#{value} (deleted)")
    if isinstance(f, models.BooleanField):
        return "Yes" if value else "No"
    if f.choices:
        key = getattr(value, "code", value)  # django-countries gives Country objects
        return str(dict(f.flatchoices).get(key, key))
    if isinstance(value, datetime):
        return dateformat.format(timezone.localtime(value), "j M Y H:i T")
    if isinstance(value, date):
        return dateformat.format(value, "j M Y")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def history_page(request, record, *, kind: str, back_url: str, crumbs=(), back_label: str | None = None):
    """The history tab of any record (templates/history_page.html): its entries under breadcrumbs
    that end at the record's own page."""
    context = {
        "record": record,
        "kind": kind,
        "back_url": back_url,
        "back_label": back_label,
        "crumbs": list(crumbs),
        "entries": history_entries(record),
    }
    return render(request, "history_page.html", context)
