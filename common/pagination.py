"""Paging with a bounded count: list pages and the API count matching rows only up to LIST_COUNT_CAP.

An exact COUNT(*) reads every matching row, so on a city's table it costs what the city's size costs
(hundreds of milliseconds at 300 thousand open tickets) on every page view. Counting stops at the cap
instead (COUNT over a LIMIT cap+1 subquery, ordering dropped); past it the count reads "10000+" and the
pages stop at the cap: narrowing the filters (or the CSV export) reaches the rest.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


def count_cap() -> int:
    return settings.LIST_COUNT_CAP


def bounded_count(queryset, cap: int | None = None) -> int:
    """How many rows the queryset has, counting no further than `cap` + 1 (so "more than cap" shows)."""
    cap = count_cap() if cap is None else cap
    return queryset.order_by()[: cap + 1].count()


def bounded_count_label(queryset) -> str:
    """The bounded count as shown: "37", or "10000+" past the cap (queue tabs, badges)."""
    cap = count_cap()
    counted = bounded_count(queryset, cap)
    return f"{cap}+" if counted > cap else str(counted)


class BoundedPaginator(Paginator):
    @cached_property
    def _counted(self) -> int:
        return bounded_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self._counted, count_cap())

    @property
    def count_capped(self) -> bool:
        """True when more rows match than the count says (the count is the cap)."""
        return self._counted > count_cap()

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.count_capped else str(self.count)


class BoundedPageNumberPagination(PageNumberPagination):
    """DRF's page-number paging with the bounded count; `count_capped` says the count is the cap."""

    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = "匹配的条数，最多计到上限（LIST_COUNT_CAP）"
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "为 true 时匹配条数超过上限，count 即上限；请缩小筛选范围",
        }
        schema["required"] = [*schema.get("required", []), "count_capped"]
        return schema
