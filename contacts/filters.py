"""Directory filters, read from the query string and validated by django-filter.

An invalid value (an unknown country, a mission the viewer may not see, a
sector id that is not a number) is reported on the page and ignored; it never
raises an error."""

import django_filters
from django_countries import countries

from . import search, selectors
from .identity.names import query_keys
from .models import Organisation, OrganisationAlias, Person, Sector
from .selectors import activity_provider

# A text search lists at most this many matches (plus the exact and prefix matches), best first:
# ranking needs every row it ranks, and nobody reads past the first pages of thousands.
SEARCH_CANDIDATES = 500
# Email addresses are searched by substring from this length (a trigram index needs three letters).
MIN_EMAIL_TERM = 3


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

    def filter_queryset(self, queryset):
        # The text search last, so that its bounded candidate set is drawn from the records the
        # other filters leave (q=sato&country=JP lists Japanese Satos, not a sample of all Satos).
        query = self.form.cleaned_data.get("q")
        others = {name: value for name, value in self.form.cleaned_data.items() if name != "q"}
        for name, value in others.items():
            queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, query) if query else queryset

    def filter_search(self, queryset, name, value):
        """The typeahead's match (Latin with typos, Japanese bigrams), plus the extra arms of
        ``_other_matches``; every arm is an index scan stopped after SEARCH_CANDIDATES rows. The
        page is ranked like the typeahead: exact and prefix matches, then the closest spelling."""
        pool = search.candidates(queryset, value, limit=SEARCH_CANDIDATES) or []
        pool += [arm.order_by().values("pk")[:SEARCH_CANDIDATES] for arm in self._other_matches(queryset, value)]
        if not pool:
            return queryset.none()
        return search.rank(queryset.filter(pk__in=pool[0].union(*pool[1:])), value)

    def _other_matches(self, queryset, value):
        return []


class OrganisationFilter(DirectoryFilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=Organisation.Kind.choices, empty_label="Any kind")
    country = django_filters.ChoiceFilter(label="Country", choices=[], empty_label="Any country")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country", "sector", "mission"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = _country_choices(selectors.organisation_countries())

    def _other_matches(self, queryset, value):
        if not value.strip():
            return []
        # The city, whole (an index on UPPER(city)): "tokyo" lists organisations in Tokyo.
        arms = [queryset.filter(city__iexact=value.strip())]
        # What the identity resolver says the words name: 「味の素株式会社」, "Ajinomoto Co., Inc.", an alias.
        keys = sorted(query_keys(value))
        if keys:
            arms.append(queryset.filter(identity_keys__overlap=keys))
            arms.append(
                queryset.filter(pk__in=OrganisationAlias.objects.filter(keys__overlap=keys).values("organisation"))
            )
        return arms

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
        label="Country", field_name="organisation_country", choices=[], empty_label="Any country"
    )

    class Meta:
        model = Person
        fields = ["q", "kind", "country", "sector", "mission"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = _country_choices(selectors.organisation_countries(with_people=True))

    def _other_matches(self, queryset, value):
        arms = []
        term = value.strip()
        if len(term) >= MIN_EMAIL_TERM and " " not in term:
            # Any part of the address ("sato@", "takeda.com"): a trigram index on UPPER(email).
            arms.append(queryset.filter(email__icontains=term))
        # The people of the organisations the same words find ("takeda", 「武田」).
        organisations = search.candidates(Organisation.objects.all(), value, limit=SEARCH_CANDIDATES)
        if organisations is not None:
            found = organisations[0].union(*organisations[1:])
            arms.append(queryset.filter(organisation__in=found))
        return arms

    def filter_sector(self, queryset, name, value):
        through = Organisation.sectors.through.objects.filter(sector=value)
        return queryset.filter(organisation__in=through.values("organisation"))

    def filter_mission(self, queryset, name, value):
        return queryset.filter(pk__in=activity_provider().people_met_at(user=self.request.user, mission_id=value))
