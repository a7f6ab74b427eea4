from django.contrib import admin

from contacts.history_admin import HistoryAdmin

from . import reminders
from .models import FollowUp, FollowUpNote, Outcome, ReminderEmail, ReportExport, Testimonial


class FollowUpNoteInline(admin.TabularInline):
    model = FollowUpNote
    extra = 0
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]


@admin.register(FollowUp)
class FollowUpAdmin(HistoryAdmin):
    list_display = ["title", "mission", "assignee", "due_on", "status", "priority"]
    list_filter = ["status", "priority", "mission"]
    search_fields = ["title", "details", "assignee__person__family_name"]
    autocomplete_fields = ["mission", "meeting", "enquiry", "assignee"]
    list_select_related = ["mission", "assignee__person"]
    date_hierarchy = "due_on"
    inlines = [FollowUpNoteInline]

    # Admin edits bypass the follow-up services: keep the reminder outbox in step in the
    # same transaction, as the services do.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reminders.reminders_rearm_for_followup(followup=obj)

    def delete_model(self, request, obj):
        mission = obj.mission
        super().delete_model(request, obj)
        reminders.reminders_rearm_for_mission(mission=mission)

    def delete_queryset(self, request, queryset):
        missions = list({f.mission for f in queryset.select_related("mission")})
        super().delete_queryset(request, queryset)
        for mission in missions:
            reminders.reminders_rearm_for_mission(mission=mission)


@admin.register(Outcome)
class OutcomeAdmin(HistoryAdmin):
    list_display = ["title", "mission", "kind", "value", "currency", "jobs", "achieved_on"]
    list_filter = ["kind", "currency", "mission"]
    search_fields = ["title", "description", "organisations__name"]
    autocomplete_fields = ["mission", "followup", "meeting", "organisations"]
    list_select_related = ["mission"]


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["attribution", "mission", "approved"]
    list_filter = ["approved", "mission"]
    search_fields = ["attribution", "quote"]
    autocomplete_fields = ["mission", "person"]


@admin.register(ReminderEmail)
class ReminderEmailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by followups/reminders.py; resend from the mission's reminders page."""

    list_display = ["kind", "mission", "recipient", "offset_days", "followup_due_on", "due_at", "state", "attempts"]
    list_filter = ["state", "kind", "mission"]
    search_fields = ["recipient__family_name", "recipient__email", "last_error"]
    list_select_related = ["mission", "recipient"]
    date_hierarchy = "due_at"


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    """The log of report exports: read only, it records who exported what."""

    list_display = ["requested_at", "requested_by", "mission", "format", "status", "served_directly", "rows"]
    list_filter = ["format", "status", "served_directly", "mission"]
    list_select_related = ["mission", "requested_by"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
