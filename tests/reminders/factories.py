import factory
from django.utils import timezone

from followups.models import ReminderEmail

from ..factories import MissionFactory, PersonFactory

REFUSED = "The mail server refused the recipient: 451 4.3.0 Try again later"


class ReminderEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderEmail

    kind = ReminderEmail.Kind.DIGEST
    mission = factory.SubFactory(MissionFactory)
    recipient = factory.SubFactory(PersonFactory)
    offset_days = 1
    due_at = factory.LazyFunction(timezone.now)
    next_attempt_at = factory.SelfAttribute("due_at")
    state = ReminderEmail.State.PENDING
    attempts = factory.LazyAttribute(lambda r: 5 if r.state == ReminderEmail.State.FAILED else 0)
    last_error = factory.LazyAttribute(lambda r: REFUSED if r.state == ReminderEmail.State.FAILED else "")
