"""Pages of long lists whose exact length would cost more than the page itself.

Counting 500 000 meetings exactly reads every row's index entry on each page view; users
need "about how many" and a way to the next page. Up to ``cap`` rows the count is exact;
beyond, it is PostgreSQL's planner estimate (never below the cap), shown as "about N"."""

import json

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property


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
