"""Duplicate hints for the operator on the line: the same place and matter, recent, ranked by text.

The strict rule for 并单 notices stays in tickets.duplicate_candidates; this one is looser on purpose
(dispatch.duplicates explains the rule, bench/duplicates.py measures it)."""

import datetime

from django.utils import timezone

from dispatch.models import Ticket
from governance.models import Region

# A busy community files a few hundred tickets a month; the newest open ones are the likely re-calls.
HINT_CANDIDATES = 300


def duplicate_hints(
    *,
    content: str,
    community: Region | None,
    address: str = "",
    category: str = "",
    visible=None,
    exclude_pk=None,
    limit: int = 5,
) -> list:
    """[(ticket, score)] best first: open tickets of `community` filed in the last HINT_DAYS days that
    rank_hints keeps (same estate/building and matter, close text, same category when both are known).
    `visible` (a queryset of tickets) limits the candidates to what the caller may see. One query."""
    from dispatch.duplicates import HINT_DAYS, rank_hints

    if community is None or not (content or "").strip():
        return []
    since = timezone.now() - datetime.timedelta(days=HINT_DAYS)
    qs = Ticket.objects.all() if visible is None else Ticket.objects.filter(pk__in=visible.values("pk"))
    qs = (
        qs.filter(community=community, created_at__gte=since)
        .exclude(status__in=Ticket.FINAL_STATUSES)
        .only("id", "number", "content", "address", "status", "created_at", "category_code", "ai_category")
        .order_by("-created_at")
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return rank_hints(content, list(qs[:HINT_CANDIDATES]), address=address, category=category, limit=limit)
