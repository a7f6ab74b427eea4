from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FollowUp, FollowUpNote, Outcome, Testimonial


class FollowUpNoteInline(admin.TabularInline):
    model = FollowUpNote
    extra = 0
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["title", "mission", "assignee", "due_on", "status", "priority"]
    list_filter = ["status", "priority", "mission"]
    search_fields = ["title", "details", "assignee__person__family_name"]
    autocomplete_fields = ["mission", "meeting", "enquiry", "assignee"]
    list_select_related = ["mission", "assignee__person"]
    date_hierarchy = "due_on"
    inlines = [FollowUpNoteInline]


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
