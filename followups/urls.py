from django.urls import path

from .views import actions, calendar, history, mine, mission, outcomes, privacy, reminders, report

app_name = "followups"

urlpatterns = [
    # Follow-ups, outcomes and the calendar feed
    path("mine/", mine.my_followups, name="my-followups"),
    path("<int:pk>/", actions.followup_detail, name="followup-detail"),
    path("<int:pk>/complete/", actions.followup_complete, name="followup-complete"),
    path("<int:pk>/reopen/", actions.followup_reopen, name="followup-reopen"),
    path("<int:pk>/snooze/", actions.followup_snooze, name="followup-snooze"),
    path("<int:pk>/notes/", actions.followup_add_note, name="followup-add-note"),
    path("<int:pk>/reassign/", actions.followup_reassign, name="followup-reassign"),
    path("<int:pk>/outcome/", outcomes.followup_outcome, name="followup-outcome"),
    path("missions/<int:mission_pk>/", mission.mission_followups, name="mission-followups"),
    path("missions/<int:mission_pk>/bulk/", mission.mission_followups_bulk, name="mission-followups-bulk"),
    path("missions/<int:mission_pk>/outcomes/", outcomes.mission_outcomes, name="mission-outcomes"),
    path("missions/<int:mission_pk>/outcomes/new/", outcomes.outcome_create, name="outcome-create"),
    path("outcomes/<int:pk>/edit/", outcomes.outcome_edit, name="outcome-edit"),
    path("calendar/", calendar.calendar_settings, name="calendar-settings"),
    path("calendar/reset/", calendar.calendar_reset, name="calendar-reset"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar-feed"),
    #
    # Reminder emails
    path("missions/<int:pk>/reminders/", reminders.mission_reminders, name="mission-reminders"),
    path("missions/<int:pk>/reminders/<int:reminder_pk>/resend/", reminders.reminder_resend, name="reminder-resend"),
    path("reminders/opt-out/<str:token>/", reminders.reminders_opt_out, name="reminders-opt-out"),
    #
    # Mission report and exports
    path("report/<int:pk>/", report.mission_report_page, name="mission-report"),
    path("report/<int:pk>/compare/", report.mission_report_compare, name="mission-report-compare"),
    path("report/<int:pk>/export/<str:fmt>/", report.mission_report_export, name="mission-report-export"),
    path("report/exports/<int:pk>/", report.report_export_status, name="report-export-status"),
    path("report/exports/<int:pk>/download/", report.report_export_download, name="report-export-download"),
    #
    # History tabs
    path("<int:pk>/history/", history.followup_history, name="followup-history"),
    path("outcomes/<int:pk>/history/", history.outcome_history, name="outcome-history"),
    #
    # Privacy: consent, subject-access export, erasure, retention review (managers)
    path("privacy/people/", privacy.retention_review, name="privacy-retention"),
    path("privacy/people/<int:pk>/", privacy.person_privacy, name="privacy-person"),
    path("privacy/people/<int:pk>/consent/", privacy.person_consent, name="privacy-consent"),
    path("privacy/people/<int:pk>/export.json", privacy.person_export_json, name="privacy-export-json"),
    path("privacy/people/<int:pk>/export.csv", privacy.person_export_csv, name="privacy-export-csv"),
    path("privacy/people/<int:pk>/erase/", privacy.person_erase, name="privacy-erase"),
    #
]
