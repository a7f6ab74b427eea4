from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from contacts.privacy_forms import PrivacyAwarePasswordResetForm

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
    # Before Django's own: password resets obey the person's do-not-contact rule.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PrivacyAwarePasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("missions/", include("events.urls")),
    path("followups/", include("followups.urls")),
    path("meetings/", include("followups.meeting_urls")),
    path("contacts/", include("contacts.urls")),
    path("users/", include("events.account_urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Delegation CRM administration"
admin.site.site_title = "Delegation CRM"
