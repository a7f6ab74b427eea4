"""Pages of long lists whose exact length would cost more than the page itself.

Counting 500 000 meetings exactly reads every row's index entry on each page view; users
need "about how many" and a way to the next page. Up to ``cap`` rows the count is exact;
beyond, it is PostgreSQL's planner estimate (never below the cap), shown as "about N". An
estimate is only for display: pages are not clamped to it, and "Next" is shown when the page
read one row more than it shows, so no page that exists is out of reach."""

import json

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.utils.functional import cached_property

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET and int() bounded


class EstimatedPage(Page):
    has_more = False

    def has_next(self):
        return self.has_more

    def next_page_number(self):
        return self.number + 1


class EstimatingPaginator(Paginator):
    cap = 1000

    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list.order_by().values("pk")
        exact = queryset[: self.cap + 1].count()
        if exact <= self.cap or connection.vendor != "postgresql":
            return exact if exact <= self.cap else queryset.count()
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
        if not 1 <= number <= MAX_PAGE:
            raise EmptyPage("That page number is out of range.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        page = EstimatedPage(rows[: self.per_page], number, self)
        page.has_more = len(rows) > self.per_page
        return page
