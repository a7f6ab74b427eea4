"""Directory filters, read from the query string and validated by django-filter.

An invalid value (an unknown country, a mission the viewer may not see, a
sector id that is not a number) is reported on the page and ignored; it never
raises an error."""

import django_filters
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django_countries import countries

from . import selectors
from .models import Organisation, Person, Sector
from .selectors import activity_provider


def _search_terms(value: str) -> list[str]:
    return [term for term in value.split() if term][:8]


def _native_compact(field: str):
    """The native-script name without spaces, so 佐藤健 finds 佐藤 健."""
    return Replace(F(field), Value(" "), Value(""))


def _country_choices(queryset_values):
    present = {code for code in queryset_values if code}
    return [(code, name) for code, name in countries if code in present]


class DirectoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search", max_length=200)
    mission = django_filters.ChoiceFilter(label="Met on mission", method="filter_mission", empty_label="Any mission")
    sector = django_filters.ModelChoiceFilter(
        label="Sector", queryset=Sector.objects.all(), method="filter_sector", empty_label="Any sector"
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        self.filters["mission"].extra["choices"] = [
            (str(mission.pk), mission.title) for mission in activity_provider().missions(user=user)
        ]


class OrganisationFilter(DirectoryFilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=Organisation.Kind.choices, empty_label="Any kind")
    country = django_filters.ChoiceFilter(label="Country", choices=[], empty_label="Any country")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country", "sector", "mission"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = _country_choices(selectors.organisation_countries())

    def filter_search(self, queryset, name, value):
        for term in _search_terms(value):
            compact = term.replace(" ", "")
            queryset = queryset.alias(native_compact=_native_compact("name_native")).filter(
                Q(name__icontains=term)
                | Q(name_native__icontains=term)
                | Q(native_compact__icontains=compact)
                | Q(name_reading__icontains=term)
                | Q(city__icontains=term)
            )
        return queryset

    def filter_sector(self, queryset, name, value):
        return queryset.filter(pk__in=Organisation.sectors.through.objects.filter(sector=value).values("organisation"))

    def filter_mission(self, queryset, name, value):
        met = activity_provider().organisations_met_at(user=self.request.user, mission_id=value)
        return queryset.filter(pk__in=met)


class PersonFilter(DirectoryFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Organisation kind",
        field_name="organisation__kind",
        choices=Organisation.Kind.choices,
        empty_label="Any kind",
    )
    country = django_filters.ChoiceFilter(
        label="Country", field_name="organisation__country", choices=[], empty_label="Any country"
    )

    class Meta:
        model = Person
        fields = ["q", "kind", "country", "sector", "mission"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = _country_choices(selectors.organisation_countries(with_people=True))

    def filter_search(self, queryset, name, value):
        for term in _search_terms(value):
            compact = term.replace(" ", "")
            queryset = queryset.alias(native_compact=_native_compact("name_native")).filter(
                Q(given_name__icontains=term)
                | Q(family_name__icontains=term)
                | Q(name_native__icontains=term)
                | Q(native_compact__icontains=compact)
                | Q(name_reading__icontains=term)
                | Q(email__icontains=term)
                | Q(job_title__icontains=term)
                | Q(organisation__name__icontains=term)
                | Q(organisation__name_native__icontains=term)
            )
        return queryset

    def filter_sector(self, queryset, name, value):
        through = Organisation.sectors.through.objects.filter(sector=value)
        return queryset.filter(organisation__in=through.values("organisation"))

    def filter_mission(self, queryset, name, value):
        return queryset.filter(pk__in=activity_provider().people_met_at(user=self.request.user, mission_id=value))
