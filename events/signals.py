"""Signals that events' services send explicitly (never from save()), inside their transaction.

They let followups keep its reminder outbox in step with missions while events
never imports followups (dependencies point one way).
"""

from django.dispatch import Signal

# After a mission is created, or its end date, reminder offsets, status, time zone or
# delegates change. Keyword argument: mission.
mission_changed = Signal()
