from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .history_admin import HistoryAdmin
from .models import Organisation, Person, Sector, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Delegation CRM", {"fields": ["role", "time_zone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Delegation CRM", {"fields": ["email", "first_name", "last_name", "role", "time_zone"]}),
    ]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "name_native", "kind", "country", "city"]
    list_filter = ["kind", "country", "sectors"]
    search_fields = ["name", "name_native", "name_reading", "city", "website"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["sectors"]
    list_select_related = True


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["family_name", "given_name", "name_native", "organisation", "email", "do_not_contact"]
    list_filter = ["do_not_contact", "consent", "lawful_basis", "organisation__country"]
    search_fields = ["family_name", "given_name", "name_native", "name_reading", "email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation"]
