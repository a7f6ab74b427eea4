"""Signals that contacts' services send explicitly (never from save()), inside their transaction."""

from django.dispatch import Signal

# After a person's email, time zone, do-not-contact or reminder opt-out changes, or a
# merge. Keyword argument: person. (followups re-arms that person's reminder emails.)
person_contact_changed = Signal()
