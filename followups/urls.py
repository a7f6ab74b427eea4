from django.urls import path

from .views import mine, reminders

app_name = "followups"

urlpatterns = [
    # Follow-ups, outcomes and the calendar feed
    path("mine/", mine.my_followups, name="my-followups"),
    #
    # Reminder emails
    path("missions/<int:pk>/reminders/", reminders.mission_reminders, name="mission-reminders"),
    path("missions/<int:pk>/reminders/<int:reminder_pk>/resend/", reminders.reminder_resend, name="reminder-resend"),
    path("reminders/opt-out/<str:token>/", reminders.reminders_opt_out, name="reminders-opt-out"),
    #
    # Mission report and exports
    #
]
