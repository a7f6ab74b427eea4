from django.urls import path  # noqa: F401

app_name = "contacts"

urlpatterns = [
    # Directory: organisations and people, duplicates and merge, contact import
    #
    # Typeahead and inline creation for forms
    #
]
