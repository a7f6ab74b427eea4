from django.urls import path

from .views import event_pages, history, imports, lookup, missions, roster

app_name = "events"

urlpatterns = [
    # Missions, events and delegate rosters
    path("", missions.mission_list, name="mission-list"),
    path("new/", missions.mission_create, name="mission-create"),
    path("<int:pk>/", missions.mission_detail, name="mission-detail"),
    path("<int:pk>/edit/", missions.mission_edit, name="mission-edit"),
    path("<int:pk>/events/new/", event_pages.event_create, name="event-create"),
    path("events/<int:pk>/", event_pages.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", event_pages.event_edit, name="event-edit"),
    path("<int:pk>/delegates/", roster.delegate_list, name="delegate-list"),
    path("<int:pk>/delegates/add/", roster.delegate_add, name="delegate-add"),
    path("delegates/<int:pk>/role/", roster.delegate_role, name="delegate-role"),
    path("delegates/<int:pk>/remove/", roster.delegate_remove, name="delegate-remove"),
    path("delegates/<int:pk>/account/", roster.delegate_link_user, name="delegate-link-user"),
    path("delegates/<int:pk>/invite/", roster.delegate_invite, name="delegate-invite"),
    path("delegates/lookup/", lookup.delegate_lookup, name="delegate-lookup"),
    path("welcome/<uidb64>/<token>/", roster.invite_accept, name="invite-accept"),
    #
    # Partnering meetings and stand enquiries
    #
    # Imports (delegates, partnering-platform meeting lists)
    path("<int:pk>/imports/<slug:kind>/", imports.import_start, name="import-start"),
    path("imports/contacts/", imports.contacts_import_start, name="contacts-import-start"),
    path("imports/<int:job_pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:job_pk>/columns/", imports.import_mapping, name="import-mapping"),
    path("imports/<int:job_pk>/preview/", imports.import_preview, name="import-preview"),
    path("imports/<int:job_pk>/match/", imports.import_match, name="import-match"),
    path("imports/<int:job_pk>/add-delegate/", imports.import_add_delegate, name="import-add-delegate"),
    path("imports/<int:job_pk>/progress/", imports.import_progress, name="import-progress"),
    #
    # History tabs
    path("<int:pk>/history/", history.mission_history, name="mission-history"),
    path("events/<int:pk>/history/", history.event_history, name="event-history"),
    #
]
