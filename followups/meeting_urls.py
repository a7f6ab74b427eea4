from django.urls import path

from .views import meetings

app_name = "meetings"

urlpatterns = [
    # Partnering meetings
    path("", meetings.meeting_list, name="list"),
    path("log/", meetings.meeting_log, name="log"),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="edit"),
    # Stand enquiries
    path("enquiries/", meetings.enquiry_list, name="enquiry-list"),
    path("enquiries/new/", meetings.enquiry_new, name="enquiry-new"),
]
