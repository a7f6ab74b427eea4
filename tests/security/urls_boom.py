"""The real URLs plus one view that fails, to see what a user is shown on a server error."""

from django.urls import path

from delegation_crm.urls import urlpatterns as real_urlpatterns


def boom(request):
    return 1 / 0


urlpatterns = [*real_urlpatterns, path("boom/", boom)]
