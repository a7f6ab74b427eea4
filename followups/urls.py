from django.urls import path

from .views import history, mine, privacy

app_name = "followups"

urlpatterns = [
    # Follow-ups, outcomes and the calendar feed
    path("mine/", mine.my_followups, name="my-followups"),
    #
    # Reminder emails
    #
    # Mission report and exports
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
