from django.urls import path

from .views import lookup

app_name = "contacts"

urlpatterns = [
    # Directory: organisations and people, duplicates and merge, contact import
    #
    # Typeahead and inline creation for forms
    path("lookup/organisations/", lookup.organisation_lookup, name="organisation-lookup"),
    path("lookup/organisations/new/", lookup.organisation_create, name="organisation-create-inline"),
    path("lookup/people/", lookup.person_lookup, name="person-lookup"),
    path("lookup/people/new/", lookup.person_create, name="person-create-inline"),
    #
]
