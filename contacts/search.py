"""Finding organisations and people by a few letters, in Latin or Japanese script.

Why not just pg_trgm on the names: in a C-locale database pg_trgm makes no
trigrams of CJK characters, and even where it does, a two-character query such
as 「佐藤」 or 「武田」 has no trigram at all, so the index cannot help and
every row is read. So every organisation and person carries two derived
columns, kept in step by the model's save() (whatever path writes the record):

- ``search_key``: the Latin words of every name (romanised name, reading,
  native name's Latin part), lower-cased, accents removed ("Kōgyō" -> "kogyo").
  A GIN trigram index (gin_trgm_ops) serves word similarity (``%>``), which
  finds prefixes ("take" ~ "takeda") and misspellings ("takda" ~ "takeda").
- ``search_grams``: space-separated tokens of the native-script names, every
  single character and every two-character sequence (武田薬品工業 -> 武, 田,
  武田, 田薬, 薬品, ...), plus the first two letters of each Latin word. A GIN
  index on ``string_to_array(search_grams, ' ')`` answers "which rows contain
  all the bigrams of the query" through the index for one-, two- or
  many-character queries.

The indexes are created by the migration that adds the columns.
"""

import re
import unicodedata
from contextlib import contextmanager

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Collate, Replace

from .identity.names import fold_vowels, has_japanese, is_kana_only, organisation_keys, romanise
from .models import DERIVED_FIELDS, Organisation, Person

MIN_LATIN_LENGTH = 2
RESULT_LIMIT = 10
# The typeahead ranks at most this many matches besides the prefix matches (a common surname
# such as 佐藤 has thousands; ranking them all means reading them all).
CANDIDATES = 300
# Prefix matches always kept in a directory search's candidate set.
PREFIX_LIMIT = 100
_LATIN_WORD = re.compile(r"[a-z0-9]+")


def _fold(char: str) -> str:
    """Lower-case; strip accents from Latin letters but never from kana (ガ must stay ガ)."""
    if char.isascii():
        return char.lower()
    base = unicodedata.normalize("NFKD", char)[0]
    if base.isascii() and base.isalnum():
        return base.lower()
    return char


def normalise(text: str) -> str:
    # NFKC first: full-width Ｔａｋｅｄａ becomes Takeda, half-width ｶﾀｶﾅ becomes カタカナ.
    return "".join(_fold(c) for c in unicodedata.normalize("NFKC", text or ""))


def split_scripts(text: str) -> tuple[list[str], str]:
    """The Latin words of a text, and its other-script letters run together (spaces dropped)."""
    folded = normalise(text)
    latin = _LATIN_WORD.findall(folded)
    native = "".join(c for c in folded if not c.isascii() and c.isalnum())
    return latin, native


def native_grams(native: str) -> set[str]:
    grams = set(native)
    grams.update(native[i : i + 2] for i in range(len(native) - 1))
    return grams


def query_grams(native: str) -> list[str]:
    """What a native-script query requires: its bigrams (or the single character)."""
    if len(native) == 1:
        return [native]
    return sorted({native[i : i + 2] for i in range(len(native) - 1)})


def build_keys(*names: str) -> tuple[str, str]:
    """(search_key, search_grams) for a record with these names."""
    words: list[str] = []
    grams: set[str] = set()
    for name in names:
        latin, native = split_scripts(name)
        words.extend(latin)
        if native and has_japanese(native):
            # Its reading, so a query typed in kana or romaji finds it: 武田 -> "takeda".
            words.extend(w for w in reading_words(native) if w not in words)
        grams.update(native_grams(native))
        grams.update(word[:2] for word in latin if len(word) >= 2)
    # Padded with spaces (as stored since the first version), so " 武田 " is a whole token.
    return " ".join(words), f" {' '.join(sorted(grams))} " if grams else ""


def index_organisation(organisation: Organisation) -> None:
    organisation.search_key, organisation.search_grams = build_keys(
        organisation.name, organisation.name_native, organisation.name_reading
    )
    organisation.identity_keys = organisation_keys(
        organisation.name, organisation.name_native, organisation.name_reading
    )


def index_person(person: Person) -> None:
    person.search_key, person.search_grams = build_keys(
        person.given_name, person.family_name, person.name_native, person.name_reading
    )


def _grams_array():
    return Func(F("search_grams"), Value(" "), function="string_to_array", output_field=ArrayField(TextField()))


def _bytewise(expression):
    """Byte order ("C" collation): what the prefix indexes are built with, so LIKE 'x%' and
    ORDER BY are both answered by one index range scan."""
    return Collate(expression, "C")


def _native_key():
    """The native-script name without spaces (ASCII or ideographic), so 佐藤健 finds 佐藤 健."""
    compact = Replace(Replace(F("name_native"), Value(" "), Value("")), Value("\u3000"), Value(""))
    return _bytewise(compact)


def reading_words(native: str) -> list[str]:
    """The Latin words of a Japanese text's reading, long vowels folded: 武田薬品工業 -> takeda yakuhin kogyo."""
    return [fold_vowels(word) for word in split_scripts(romanise(native))[0]]


def parse(query: str) -> tuple[str, str] | None:
    """(Latin words joined, native-script letters) of a query, or None when there is too little to search on.
    A query in kana only is how a reading is typed (タケダ, さとう): it is searched by that reading,
    which every record with a Japanese name carries in its Latin key."""
    latin_words, native = split_scripts(query)
    if native and not latin_words and is_kana_only(native):
        latin_words, native = reading_words(native), ""
    latin = " ".join(latin_words)
    if not native and len(latin) < MIN_LATIN_LENGTH:
        return None
    return latin, native


def _condition(queryset: QuerySet, latin: str, native: str) -> tuple[QuerySet, Q]:
    """What a matching record satisfies; every part is answered by a GIN index."""
    condition = Q()
    if native:
        queryset = queryset.alias(grams_array=_grams_array())
        condition &= Q(grams_array__contains=query_grams(native))
    if latin:
        if len(latin) == MIN_LATIN_LENGTH and " " not in latin:
            # Too short for a trigram: the two-letter word prefixes are tokens.
            queryset = queryset.alias(grams_array=_grams_array())
            condition &= Q(grams_array__contains=[latin])
        else:
            # Word similarity covers prefixes ("take" in "takeda") and typos ("takda") in one
            # index scan; pg_trgm.word_similarity_threshold is set in settings.py.
            condition &= Q(search_key__trigram_word_similar=latin)
    return queryset, condition


def _prefixed(queryset: QuerySet, latin: str, native: str) -> QuerySet:
    """Records whose key starts with the query, in key order (the exact name first): one range
    scan of a btree index, however many records match."""
    order = []
    if native:
        queryset = queryset.alias(native_key=_native_key()).filter(native_key__startswith=native)
        order.append("native_key")
    if latin:
        queryset = queryset.alias(latin_key=_bytewise(F("search_key"))).filter(latin_key__startswith=latin)
        order.append("latin_key")
    return queryset.order_by(*order, "pk")


def _ranked(queryset: QuerySet, latin: str, native: str) -> QuerySet:
    """Best first: names that start with the query, then the closest spelling, then name order.
    Sorting needs every row it ranks: apply it to a bounded candidate set."""
    order = []
    if native:
        queryset = queryset.alias(native_key=_native_key())
        order.append(Case(When(native_key__startswith=native, then=0), default=1, output_field=IntegerField()))
    if latin:
        order.append(Case(When(search_key__startswith=latin, then=0), default=1, output_field=IntegerField()))
        queryset = queryset.alias(closeness=TrigramWordSimilarity(Value(latin), "search_key"))
        order.append(F("closeness").desc())
    return queryset.order_by(*order, *queryset.model._meta.ordering, "pk")


def _matching(queryset: QuerySet, query: str) -> QuerySet | None:
    parsed = parse(query)
    if parsed is None:
        return None
    queryset, condition = _condition(queryset, *parsed)
    return _ranked(queryset.filter(condition, merged_into__isnull=True), *parsed)


def candidates(queryset: QuerySet, query: str, *, limit: int, include_merged: bool = False) -> list[QuerySet] | None:
    """Querysets of ids (to union) of at most ``limit`` records of ``queryset`` matching ``query``, found
    in index order and unranked, and of the first PREFIX_LIMIT whose key starts with it, so that the
    exact name is never left out of a large match set. None when there is nothing to search on."""
    parsed = parse(query)
    if parsed is None:
        return None
    # Merged-away duplicates only when asked (a subject-access request must find every record).
    base = queryset if include_merged else queryset.filter(merged_into__isnull=True)
    matching, condition = _condition(base, *parsed)
    return [
        matching.filter(condition).order_by().values("pk")[:limit],
        _prefixed(base, *parsed).values("pk")[:PREFIX_LIMIT],
    ]


def rank(queryset: QuerySet, query: str) -> QuerySet:
    parsed = parse(query)
    return queryset if parsed is None else _ranked(queryset, *parsed)


@contextmanager
def _index_scans():
    """Forbid sequential scans for one query. ``word_similarity`` costs far more per row than the
    planner assumes, so for "the first N matches" it prefers reading the table until N rows pass the
    filter (37 000 rows, 90 ms for "sato" among a million people) to the trigram index (15 ms)."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # set it back: the transaction goes on after this query
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            yield
            cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")
            return
        with transaction.atomic():  # the setting ends with this transaction
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            yield


def _search(queryset: QuerySet, query: str, limit: int) -> list:
    """Up to three steps, each run only if the list is not full yet, each reading a bounded number
    of rows however many records match:

    1. names whose key starts with the query, straight from a btree in key order (the exact name first);
    2. names containing the query as typed (trigram GIN, every trigram required: a few short lists);
    3. the close spellings ("Takda"): word similarity, any trigram may be missing, so the GIN reads
       the long lists of common trigrams; only when 1 and 2 found too little.

    Steps 2 and 3 rank at most CANDIDATES matches (an index scan stopped early)."""
    parsed = parse(query)
    if parsed is None:
        return []
    latin, native = parsed
    queryset = queryset.filter(merged_into__isnull=True)
    found = list(_prefixed(queryset, latin, native)[:limit])
    base = queryset.model.objects.filter(merged_into__isnull=True)
    fuzzy_base, fuzzy = _condition(base, latin, native)
    steps = [(fuzzy_base, fuzzy)]
    if len(latin) > MIN_LATIN_LENGTH:
        exact_base, exact = _condition(base, "", native)
        steps.insert(0, (exact_base, exact & Q(search_key__contains=latin)))
    for matching, condition in steps:
        if len(found) >= limit:
            break
        pool = matching.filter(condition).exclude(pk__in=[record.pk for record in found]).order_by()
        ranked = _ranked(queryset.filter(pk__in=pool.values("pk")[:CANDIDATES]), latin, native)
        with _index_scans():
            found.extend(ranked[: limit - len(found)])
    return found


def search_organisations(query: str, *, limit: int = RESULT_LIMIT) -> list[Organisation]:
    return _search(Organisation.objects.all(), query, limit)


def search_people(query: str, *, limit: int = RESULT_LIMIT) -> list[Person]:
    return _search(Person.objects.select_related("organisation"), query, limit)


def organisations_matching(query: str, *, within: QuerySet | None = None) -> QuerySet[Organisation]:
    """Every match, ranked (unsliced; for EXPLAIN in tests). ``within``: only among these records
    (narrowed before ranking, so a small set is cheap however common the name)."""
    queryset = _matching(Organisation.objects.all() if within is None else within, query)
    return Organisation.objects.none() if queryset is None else queryset


def people_matching(query: str, *, within: QuerySet | None = None) -> QuerySet[Person]:
    queryset = _matching(Person.objects.all() if within is None else within, query)
    return Person.objects.none() if queryset is None else queryset


def reindex_all() -> int:
    """Recompute every record's keys (after a bulk_create or raw import that bypassed save())."""
    count = 0
    for model, index in ((Organisation, index_organisation), (Person, index_person)):
        batch = []
        for record in model.objects.only(*_NAME_FIELDS[model]).iterator(chunk_size=1000):
            index(record)
            batch.append(record)
            if len(batch) == 1000:
                model.objects.bulk_update(batch, DERIVED_FIELDS[model])
                count += len(batch)
                batch = []
        model.objects.bulk_update(batch, DERIVED_FIELDS[model])
        count += len(batch)
    return count


_NAME_FIELDS = {
    Organisation: ["name", "name_native", "name_reading"],
    Person: ["given_name", "family_name", "name_native", "name_reading"],
}
