"""The classifier's dispatch accuracy as supervisors review it: by category, by matter item and by the unit
first chosen.

Read from the ticket table over a period (created_at in [since, until)), for tickets the AI put a
category on (ai_category set) and that were dispatched (first_lead_department set):
- AI share: dispatched automatically (dispatch_source "ai") among those;
- AI right / wrong: the AI's category against the final one (category_code, which a person confirms
  or corrects at 改派 and 审核);
- returns and re-dispatches caused by a wrong category: tickets returned (return_count > 0) or moved
  to another lead unit (lead ≠ first lead) whose AI category was wrong;
- worst confusions: (AI category, final category) pairs, most frequent first, with example tickets.

By matter item the same figures compare the item routing chose from the words (the first of the ticket's
item suggestions, `ai_routing["items"][0]`) with the final item (`catalogue_item`, which 派单/改派
confirm or correct). A ticket whose item the operator picked at intake has no AI item (that suggestion is
the operator's, with no words and a score of 0) and is left out, as is one with no final item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from common.db import replica_reads
from dispatch.models import Ticket


@dataclass(frozen=True)
class AccuracyRow:
    key: str
    label: str
    with_ai: int
    ai_dispatched: int
    ai_right: int
    returned_wrong: int
    redispatched_wrong: int

    @property
    def ai_wrong(self) -> int:
        return self.with_ai - self.ai_right

    @property
    def ai_share(self) -> float | None:
        return self.ai_dispatched / self.with_ai if self.with_ai else None

    @property
    def ai_accuracy(self) -> float | None:
        return self.ai_right / self.with_ai if self.with_ai else None


def _tallies(right: Q) -> dict:
    wrong = ~right
    return {
        "with_ai": Count("id"),
        "ai_dispatched": Count("id", filter=Q(dispatch_source=Ticket.DispatchSource.AI)),
        "ai_right": Count("id", filter=right),
        "returned_wrong": Count("id", filter=wrong & Q(return_count__gt=0)),
        "redispatched_wrong": Count("id", filter=wrong & ~Q(lead_department=F("first_lead_department"))),
    }


_RIGHT = Q(ai_category=F("category_code"))
_WRONG = ~_RIGHT
_COUNTS = _tallies(_RIGHT)
_ITEM_COUNTS = _tallies(Q(ai_item=F("catalogue_item")))


def _scope(*, since: dt.datetime, until: dt.datetime, district=None):
    qs = Ticket.objects.filter(created_at__gte=since, created_at__lt=until, first_lead_department__isnull=False)
    qs = qs.exclude(ai_category="").exclude(category_code="")
    return qs.filter(district=district) if district is not None else qs


@replica_reads
def accuracy_by_category(*, since, until, district=None) -> list[AccuracyRow]:
    rows = _scope(since=since, until=until, district=district).values("category_code").annotate(**_COUNTS)
    out = [AccuracyRow(key=r["category_code"], label=r["category_code"], **_counts(r)) for r in rows]
    return sorted(out, key=lambda r: (-r.with_ai, r.key))


@replica_reads
def accuracy_by_unit(*, since, until, district=None) -> list[AccuracyRow]:
    rows = (
        _scope(since=since, until=until, district=district)
        .values("first_lead_department", "first_lead_department__name")
        .annotate(**_COUNTS)
    )
    out = [
        AccuracyRow(key=str(r["first_lead_department"]), label=r["first_lead_department__name"], **_counts(r))
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r.with_ai, r.key))


@replica_reads
def accuracy_by_item(*, since, until, district=None) -> list[AccuracyRow]:
    """By final matter item: the AI item (routing's first suggestion, chosen from the words) against it."""
    rows = (
        _scope(since=since, until=until, district=district)
        .filter(catalogue_item__isnull=False, ai_routing__items__0__score__gt=0)
        .annotate(ai_item=Cast(KT("ai_routing__items__0__item"), IntegerField()))
        .values("catalogue_item", "catalogue_item__level1", "catalogue_item__level2", "catalogue_item__level3")
        .annotate(**_ITEM_COUNTS)
    )
    out = [
        AccuracyRow(
            key=str(r["catalogue_item"]),
            label="/".join((r["catalogue_item__level1"], r["catalogue_item__level2"], r["catalogue_item__level3"])),
            **_counts(r),
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r.with_ai, r.key))


def _counts(row: dict) -> dict:
    return {k: row[k] for k in _COUNTS}


@replica_reads
def worst_confusions(*, since, until, district=None, limit: int = 10, examples: int = 3) -> list[dict]:
    """[{ai_category, category, count, examples: [(id, number, content)]}], most frequent first."""
    scope = _scope(since=since, until=until, district=district).filter(_WRONG)
    pairs = list(
        scope.values("ai_category", "category_code").annotate(n=Count("id")).order_by("-n", "ai_category")[:limit]
    )
    out = []
    for p in pairs:  # at most `limit` small queries, each on an indexed period
        sample = (
            scope.filter(ai_category=p["ai_category"], category_code=p["category_code"])
            .order_by("-created_at")
            .values_list("id", "number", "content")[:examples]
        )
        out.append(
            {"ai_category": p["ai_category"], "category": p["category_code"], "count": p["n"], "examples": list(sample)}
        )
    return out
