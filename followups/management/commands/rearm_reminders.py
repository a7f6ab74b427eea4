from django.core.management.base import BaseCommand

from events.models import Mission
from followups.reminders import reminders_rearm_for_mission


class Command(BaseCommand):
    help = (
        "Bring every mission's reminder outbox in line with its missions and follow-ups "
        "(after deploying the outbox, or after bulk changes made outside the services). Safe to run any time."
    )

    def handle(self, *args, **options):
        count = 0
        for mission in Mission.objects.order_by("pk").iterator():
            reminders_rearm_for_mission(mission=mission)
            count += 1
        self.stdout.write(f"Re-armed the reminders of {count} mission(s).")
