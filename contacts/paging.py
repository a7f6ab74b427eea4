"""Pages of long lists without counting all of them, two ways: ``CappedPaginator`` says "1000+"
(the contacts directory), ``EstimatingPaginator`` says "about 4 100" (the meeting list).

The directory: an exact ``COUNT(*)`` of a million people (or of every match of a common name)
reads them all. The count here stops at ``cap`` ("1000+ people"); the page reads
one row more than it shows to know whether there is a next page. Three queries,
whatever the size: the count, the page's ids (ordered, sliced, without joins) and
those records (``rows``: the unfiltered list queryset with its joins and
annotations, so that a search's candidate set is not computed again). A text
search's candidate set is bounded: its ranked ids are read once and give both
the count and the page (two queries).
"""

import json

from django.core.paginator import Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000
# Beyond this a page is not offered (the offset would read 100 000 rows): filters narrow the list.
MAX_PAGE = 4000
# A safety limit for a "bounded" queryset (see CappedPaginator).
BOUNDED_LIMIT = 5000


class CappedPage:
    def __init__(self, object_list, number: int, has_next: bool, paginator: "CappedPaginator"):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next
        self.paginator = paginator

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0


class CappedPaginator:
    def __init__(self, queryset, per_page: int, *, rows=None, cap: int | None = None, bounded: bool = False):
        """``bounded``: the queryset is known to be small (a search's candidate set): its ids are
        read once, ranked, and give both the count and the page (one query instead of two)."""
        self.queryset = queryset
        self.rows = queryset if rows is None else rows
        self.per_page = per_page
        self.cap = COUNT_CAP if cap is None else cap
        self._all_ids = list(queryset.values_list("pk", flat=True)[:BOUNDED_LIMIT]) if bounded else None

    @cached_property
    def _counted(self) -> int:
        if self._all_ids is not None:
            return len(self._all_ids)
        # COUNT(*) FROM (SELECT … LIMIT cap + 1): stops after cap + 1 rows.
        return self.queryset.order_by().values("pk")[: self.cap + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """True when there are more than ``count`` rows (shown as "1000+")."""
        return self._counted > self.cap

    @property
    def num_pages(self) -> int | None:
        """The number of pages, or None when the count was capped."""
        if self.capped:
            return None
        return max(1, -(-self.count // self.per_page))

    def get_page(self, number) -> CappedPage:
        """Any value is accepted: not a number -> page 1; past the end -> the last page."""
        try:
            number = int(str(number)) if number is not None else 1
        except ValueError:
            number = 1
        last = self.num_pages or MAX_PAGE
        number = max(1, min(number, last))
        offset = (number - 1) * self.per_page
        # The page's ids first (ordered, sliced; no joins), then those rows with their related
        # records: a ranked search sorts its candidates' ids, not candidates joined to everything.
        if self._all_ids is not None:
            ids = self._all_ids[offset : offset + self.per_page + 1]
        else:
            ids = list(self.queryset.values_list("pk", flat=True)[offset : offset + self.per_page + 1])
        position = {pk: i for i, pk in enumerate(ids)}
        rows = sorted(self.rows.filter(pk__in=ids), key=lambda record: position[record.pk])
        return CappedPage(rows[: self.per_page], number, len(rows) > self.per_page, self)


# --- the meeting list: "about N", from the planner --------------------------------------------------

# Beyond any real list of meetings; keeps OFFSET bounded.
ESTIMATED_MAX_PAGE = 100_000


class EstimatedPage(Page):
    has_more = False

    def has_next(self):
        return self.has_more

    def next_page_number(self):
        return self.number + 1


class EstimatingPaginator(Paginator):
    """Counting 500 000 meetings exactly reads every row's index entry on each page view; users
    need "about how many" and a way to the next page. Up to ``cap`` rows the count is exact;
    beyond, it is PostgreSQL's planner estimate (never below the cap), shown as "about N". An
    estimate is only for display: pages are not clamped to it, and "Next" is shown when the page
    read one row more than it shows, so no page that exists is out of reach."""

    cap = 1000

    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list.order_by().values("pk")
        exact = queryset[: self.cap + 1].count()
        if exact <= self.cap:
            return exact
        self.estimated = True
        plan = json.loads(queryset.explain(format="json"))
        estimate = max(int(plan[0]["Plan"]["Plan Rows"]), exact)
        return round(estimate, 2 - len(str(estimate)))  # two significant figures: 4 059 -> 4 100

    def validate_number(self, number):
        if not (self.count and self.estimated):
            return super().validate_number(number)
        try:
            number = int(str(number))
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        return min(max(number, 1), ESTIMATED_MAX_PAGE)  # past the rows: an empty page with "Previous"

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        page = EstimatedPage(rows[: self.per_page], number, self)
        page.has_more = len(rows) > self.per_page
        return page
