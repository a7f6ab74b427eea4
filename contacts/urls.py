from django.urls import path

from .views import directory, lookup, merge

app_name = "contacts"

urlpatterns = [
    # Directory: organisations and people, duplicates and merge, contact import
    path("organisations/", directory.organisation_list, name="organisation-list"),
    path("organisations/new/", directory.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", directory.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", directory.organisation_update, name="organisation-update"),
    path("organisations/<int:pk>/merge/", merge.organisation_merge, name="organisation-merge"),
    path(
        "organisations/<int:pk>/merge/<int:other_pk>/",
        merge.organisation_merge_compare,
        name="organisation-merge-compare",
    ),
    path("people/", directory.person_list, name="person-list"),
    path("people/new/", directory.person_create, name="person-create"),
    path("people/<int:pk>/", directory.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", directory.person_update, name="person-update"),
    path("people/<int:pk>/merge/", merge.person_merge, name="person-merge"),
    path("people/<int:pk>/merge/<int:other_pk>/", merge.person_merge_compare, name="person-merge-compare"),
    #
    # Typeahead and inline creation for forms
    path("lookup/organisations/", lookup.organisation_lookup, name="organisation-lookup"),
    path("lookup/organisations/new/", lookup.organisation_create, name="organisation-create-inline"),
    path("lookup/people/", lookup.person_lookup, name="person-lookup"),
    path("lookup/people/new/", lookup.person_create, name="person-create-inline"),
    #
]
