from django.urls import path

from .views import missions

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
]
