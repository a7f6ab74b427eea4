from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from .models import FollowUp


def followup_base_queryset() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related(
        "mission", "assignee__person", "meeting__event", "enquiry__organisation"
    ).prefetch_related("meeting__counterpart_organisations")


@dataclass
class FollowUpBuckets:
    overdue: list[FollowUp] = field(default_factory=list)
    this_week: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)
    done: list[FollowUp] = field(default_factory=list)


def my_followups(*, user, today: date, done_limit: int = 20) -> FollowUpBuckets:
    """The user's own follow-ups as overdue / due within seven days / later / recently done."""
    mine = followup_base_queryset().filter(assignee__person__user=user)
    buckets = FollowUpBuckets()
    week_end = today + timedelta(days=7)
    for followup in mine.filter(status=FollowUp.Status.OPEN).order_by("due_on", "-priority", "pk"):
        if followup.due_on < today:
            buckets.overdue.append(followup)
        elif followup.due_on <= week_end:
            buckets.this_week.append(followup)
        else:
            buckets.later.append(followup)
    buckets.done = list(mine.filter(status=FollowUp.Status.DONE).order_by("-completed_at")[:done_limit])
    return buckets
