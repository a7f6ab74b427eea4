from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups and outcomes"

    def ready(self):
        from contacts import registry
        from contacts.signals import person_contact_changed
        from events.signals import mission_changed

        from . import reminders
        from .selectors import contact_activity

        mission_changed.connect(reminders.on_mission_changed, dispatch_uid="reminders-mission-changed")
        person_contact_changed.connect(reminders.on_person_contact_changed, dispatch_uid="reminders-person-changed")
        # A contact's page and the directory's mission filter ask this what to list (contacts.registry).
        registry.register_activity(contact_activity)
