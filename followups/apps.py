from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups and outcomes"

    def ready(self):
        from contacts.signals import person_contact_changed
        from events.signals import mission_changed

        from . import reminders

        mission_changed.connect(reminders.on_mission_changed, dispatch_uid="reminders-mission-changed")
        person_contact_changed.connect(reminders.on_person_contact_changed, dispatch_uid="reminders-person-changed")
