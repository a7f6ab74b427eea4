from django.urls import path

from .views import history, missions

app_name = "events"

urlpatterns = [
    # Missions, events and delegate rosters
    path("", missions.mission_list, name="mission-list"),
    path("<int:pk>/", missions.mission_detail, name="mission-detail"),
    #
    # Partnering meetings and stand enquiries
    #
    # Imports (delegates, partnering-platform meeting lists)
    #
    # History tabs
    path("<int:pk>/history/", history.mission_history, name="mission-history"),
    path("events/<int:pk>/history/", history.event_history, name="event-history"),
    #
]
