from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("missions/", include("events.urls")),
    path("followups/", include("followups.urls")),
    path("meetings/", include("followups.meeting_urls")),
    path("contacts/", include("contacts.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Delegation CRM administration"
admin.site.site_title = "Delegation CRM"
