from django.contrib import admin

from contacts.history_admin import HistoryAdmin

from .models import Delegate, Enquiry, Event, Mission, PartneringMeeting
from .signals import mission_changed


class DelegateInline(admin.TabularInline):
    model = Delegate
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Mission)
class MissionAdmin(HistoryAdmin):
    list_display = ["title", "direction", "destination_country", "start_date", "end_date", "status"]
    list_filter = ["status", "direction", "destination_country"]
    search_fields = ["title", "destination_city"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["lead_organisations", "partner_organisations"]
    inlines = [DelegateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Dates, offsets, status or delegates may have changed: reminders follow (same transaction).
        mission_changed.send(sender=Mission, mission=form.instance)


@admin.register(Delegate)
class DelegateAdmin(HistoryAdmin):
    list_display = ["person", "mission", "role"]
    list_filter = ["role", "mission"]
    search_fields = ["person__family_name", "person__given_name", "person__name_native", "mission__title"]
    autocomplete_fields = ["person", "mission"]
    list_select_related = ["person", "mission"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        mission_changed.send(sender=Mission, mission=obj.mission)


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["title", "mission", "kind", "starts_at", "time_zone", "attendance"]
    list_filter = ["kind", "mission"]
    search_fields = ["title", "venue", "city"]
    autocomplete_fields = ["mission", "co_hosts", "sponsors", "speakers"]
    list_select_related = ["mission"]


@admin.register(PartneringMeeting)
class PartneringMeetingAdmin(HistoryAdmin):
    list_display = ["starts_at", "mission", "event", "topic", "status", "interest"]
    list_filter = ["status", "interest", "mission"]
    search_fields = ["topic", "notes", "counterpart_organisations__name", "counterpart_organisations__name_native"]
    autocomplete_fields = ["mission", "event", "delegates", "counterpart_organisations", "counterpart_people"]
    list_select_related = ["mission", "event"]
    date_hierarchy = "starts_at"


@admin.register(Enquiry)
class EnquiryAdmin(HistoryAdmin):
    list_display = ["asked_at", "mission", "category", "organisation", "status"]
    list_filter = ["status", "category", "mission"]
    search_fields = ["question", "asker_name", "organisation__name"]
    autocomplete_fields = ["mission", "event", "person", "organisation", "assigned_to"]
    list_select_related = ["mission", "organisation"]
