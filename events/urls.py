from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.mission_list, name="mission-list"),
    path("<int:pk>/", views.mission_detail, name="mission-detail"),
]
