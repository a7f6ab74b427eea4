"""Celery done properly: JSON only, bounded tasks, the beat schedule in the code."""

from datetime import UTC, datetime

import pytest
from django.conf import settings

from delegation_crm.celery import app
from followups import tasks


def test_the_beat_schedule_dispatches_reminders_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-dispatch"]
    assert entry["task"] == tasks.reminders_dispatch.name
    assert entry["schedule"] == 60.0
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_tasks_speak_json_and_have_time_limits():
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]
    for task in (tasks.reminders_dispatch, tasks.reminders_send_batch, tasks.reminder_send):
        assert task.time_limit and task.soft_time_limit < task.time_limit
    # A send is killed by its hard limit long before its rows could be handed to another worker,
    # and a batch stops starting new emails well before its soft limit.
    for task in (tasks.reminders_send_batch, tasks.reminder_send):
        assert task.time_limit < settings.REMINDERS_SENDING_LEASE_SECONDS
        assert task.soft_time_limit > settings.REMINDERS_BATCH_SECONDS


def test_now_must_be_an_aware_moment():
    assert tasks._moment("2026-10-25T09:00:00+00:00") == datetime(2026, 10, 25, 9, tzinfo=UTC)
    assert tasks._moment(None) is None
    with pytest.raises(ValueError):
        tasks._moment("2026-10-25T09:00:00")
