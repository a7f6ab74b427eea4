from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FollowUp, Outcome, ReportExport, Testimonial


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["title", "mission", "assignee", "due_on", "status", "priority"]
    list_filter = ["status", "priority", "mission"]
    search_fields = ["title", "details", "assignee__person__family_name"]
    autocomplete_fields = ["mission", "meeting", "enquiry", "assignee"]
    list_select_related = ["mission", "assignee__person"]
    date_hierarchy = "due_on"


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
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
