from django.urls import path

from .views import mine

app_name = "followups"

urlpatterns = [
    # Follow-ups, outcomes and the calendar feed
    path("mine/", mine.my_followups, name="my-followups"),
    #
    # Reminder emails
    #
    # Mission report and exports
    #
]
