from django.urls import path

from .views import mine, report

app_name = "followups"

urlpatterns = [
    # Follow-ups, outcomes and the calendar feed
    path("mine/", mine.my_followups, name="my-followups"),
    #
    # Reminder emails
    #
    # Mission report and exports
    path("report/<int:pk>/", report.mission_report_page, name="mission-report"),
    path("report/<int:pk>/compare/", report.mission_report_compare, name="mission-report-compare"),
    path("report/<int:pk>/export/<str:fmt>/", report.mission_report_export, name="mission-report-export"),
    path("report/exports/<int:pk>/", report.report_export_status, name="report-export-status"),
    path("report/exports/<int:pk>/download/", report.report_export_download, name="report-export-download"),
    #
]
