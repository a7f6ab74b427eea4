from django.core.management.base import BaseCommand

from followups.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo missions (UK and San Diego delegations to BioJapan). Safe to run again."

    def handle(self, *args, **options):
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo missions ready. Demo logins (password: {DEMO_PASSWORD}):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.role:<10} {login.name}")
