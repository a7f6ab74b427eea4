from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Missions and events"

    def ready(self):
        from contacts import registry

        from .access import contact_merge_scope

        # A merge of contacts moves rows of missions: contacts asks here whose missions they are.
        registry.register_mission_scope(contact_merge_scope)
