"""Does a new organisation or person look like one we already have?

Checked before saving a new record: the organisation the identity resolver says
it is (contacts.identity: legal forms, widths, readings and aliases set aside),
a similar name in either script (pg_trgm
similarity on PostgreSQL, a plain case-insensitive comparison elsewhere), the
same native-script name written with or without spaces, the same email
address, the same website domain. Merged records are never offered.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Concat, Greatest, Length, Replace

from .identity.resolver import resolve_organisation
from .models import Organisation, Person

# pg_trgm similarity from which two names look like the same record:
# "Takeda Pharma" / "Takeda Pharmaceutical" ≈ 0.57, "Kyowa Kirin" / "Kyowa Hakko Kirin" ≈ 0.6.
SIMILARITY_THRESHOLD = 0.45
LIMIT = 5


@dataclass
class Match:
    record: Organisation | Person
    reasons: list[str] = field(default_factory=list)


def _compact(value: str) -> str:
    return "".join(value.split())


def _compact_expr(field_name: str):
    return Replace(Replace(F(field_name), Value(" "), Value("")), Value("\u3000"), Value(""))


def _native_overlap(queryset, typed: list[str]):
    """Records whose native-script name (spaces ignored) equals, contains or is contained in a typed
    value: 武田薬品 and 武田薬品工業. Plain SQL, so it works in any database locale (pg_trgm finds no
    trigrams in CJK text in a C-locale database) and for two-character names such as 佐藤."""
    values = [value for value in typed if len(value) >= 2]
    if not values:
        return queryset.none()
    queryset = queryset.alias(
        native_compact=_compact_expr("name_native"), native_length=Length(_compact_expr("name_native"))
    )
    query = Q()
    for i, value in enumerate(values):
        queryset = queryset.alias(**{f"typed_{i}": Value(value)})
        query |= Q(native_compact__contains=value)
        query |= Q(native_length__gte=2, **{f"typed_{i}__contains": F("native_compact")})
    return queryset.filter(query)


def _collect_native(matches: dict, records, typed: list[str]) -> None:
    for record in records:
        same = _compact(record.name_native) in typed
        _collect(matches, [record], "same name in native script" if same else "similar name in native script")


def website_domain(url: str) -> str:
    """www.takeda.com from https://www.takeda.com/en/ → takeda.com."""
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def _similarity(stored_fields: list, typed: list[str]):
    """The best pg_trgm similarity between any stored field and any typed value."""
    values = [value for value in typed if value and value.strip()]
    terms = [TrigramSimilarity(stored, Value(value)) for stored in stored_fields for value in values]
    if not terms:
        return Value(0.0, output_field=FloatField())
    return terms[0] if len(terms) == 1 else Greatest(*terms)


def _collect(matches: dict, records, reason: str) -> None:
    for record in records:
        match = matches.setdefault(record.pk, Match(record))
        if reason not in match.reasons:
            match.reasons.append(reason)


def organisation_duplicates(
    *, name: str, name_native: str = "", website: str = "", exclude_pk=None, limit: int = LIMIT
) -> list[Match]:
    name, name_native = (name or "").strip(), (name_native or "").strip()
    base = Organisation.objects.filter(merged_into__isnull=True).select_related("parent")
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    matches: dict[int, Match] = {}

    # The records the resolver says it is (the same name once legal forms, widths and scripts are
    # set aside, or a known alias) come first; then what merely looks alike.
    for resolution in resolve_organisation(name, name_native, exclude_pk=exclude_pk)[:limit]:
        _collect(matches, [resolution.organisation], resolution.reason)

    typed_names = [v for v in (name, name_native) if v]
    if typed_names:
        similar = (
            base.annotate(score=_similarity(["name", "name_native", "name_reading"], typed_names))
            .filter(score__gte=SIMILARITY_THRESHOLD)
            .order_by("-score", "name")[:limit]
        )
        _collect(matches, similar, "similar name")

    compact = [_compact(v) for v in typed_names if _compact(v)]
    _collect_native(matches, _native_overlap(base, compact)[:limit], compact)

    domain = website_domain(website)
    if domain:
        candidates = base.filter(website__icontains=domain)[: limit * 4]
        _collect(matches, [o for o in candidates if website_domain(o.website) == domain][:limit], "same website")

    return list(matches.values())[:limit]


def person_duplicates(
    *,
    given_name: str = "",
    family_name: str,
    name_native: str = "",
    email: str = "",
    exclude_pk=None,
    limit: int = LIMIT,
) -> list[Match]:
    given_name, family_name = (given_name or "").strip(), (family_name or "").strip()
    name_native, email = (name_native or "").strip(), (email or "").strip()
    base = Person.objects.filter(merged_into__isnull=True).select_related("organisation")
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    matches: dict[int, Match] = {}

    # Either order: a Japanese name may be typed family-first or given-first.
    typed_names = list(
        dict.fromkeys(
            v
            for v in (
                f"{given_name} {family_name}".strip(),
                f"{family_name} {given_name}".strip(),
                name_native,
            )
            if v
        )
    )
    if family_name or name_native:
        stored = [Concat("given_name", Value(" "), "family_name"), "name_native", "name_reading"]
        similar = (
            base.annotate(score=_similarity(stored, typed_names))
            .filter(score__gte=SIMILARITY_THRESHOLD)
            .order_by("-score", "family_name")[:limit]
        )
        _collect(matches, similar, "similar name")

    compact = [_compact(name_native)] if _compact(name_native) else []
    _collect_native(matches, _native_overlap(base, compact)[:limit], compact)

    if email:
        _collect(matches, base.filter(email__iexact=email)[:limit], "same email")

    return list(matches.values())[:limit]
