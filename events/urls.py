from django.urls import path

from .views import history, imports, missions

app_name = "events"

urlpatterns = [
    # Missions, events and delegate rosters
    path("", missions.mission_list, name="mission-list"),
    path("<int:pk>/", missions.mission_detail, name="mission-detail"),
    #
    # Partnering meetings and stand enquiries
    #
    # Imports (delegates, partnering-platform meeting lists)
    path("<int:pk>/imports/<slug:kind>/", imports.import_start, name="import-start"),
    path("imports/contacts/", imports.contacts_import_start, name="contacts-import-start"),
    path("imports/<int:job_pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:job_pk>/columns/", imports.import_mapping, name="import-mapping"),
    path("imports/<int:job_pk>/preview/", imports.import_preview, name="import-preview"),
    path("imports/<int:job_pk>/progress/", imports.import_progress, name="import-progress"),
    #
    # History tabs
    path("<int:pk>/history/", history.mission_history, name="mission-history"),
    path("events/<int:pk>/history/", history.event_history, name="event-history"),
    #
]
