"""Duplicates: the strict candidates for 并单 (`duplicate_candidates`, routing's notice and the intake
API's merge offer) and the looser hints for the operator on the line (`duplicate_hints`: the same place
and matter, recent, ranked by text; dispatch.duplicates explains both rules, bench/duplicates.py measures
the hints)."""

import datetime

from django.utils import timezone

from dispatch.models import Ticket, TicketSketch
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


DUPLICATE_DAYS = 30
# Candidates of the strict rule: the tickets sharing most sketch bands with the new text, and the newest
# open ones (tickets routed before sketches existed, and exact results in a quiet community).
SKETCH_CANDIDATES = 20
NEWEST_CANDIDATES = 10


def duplicate_candidates(*, content: str, community: Region | None, exclude_pk=None, limit: int = 5) -> list:
    """Open tickets in the same community, filed in the last 30 days, whose text is very similar.

    Returns [(ticket, similarity)] best first. Conservative on purpose: a false merge hides a citizen's
    request, a missed one only costs a second dispatch (threshold: dispatch.duplicates.THRESHOLD).
    Bounded work: at most SKETCH_CANDIDATES + NEWEST_CANDIDATES texts are compared, found by an index
    (dispatch.duplicates explains the sketch and how rarely it misses a pair above the threshold)."""
    from django.db.models import Count

    from dispatch.duplicates import rank_duplicates, sketch_bands

    if community is None or not content:
        return []
    since = timezone.now() - datetime.timedelta(days=DUPLICATE_DAYS)
    open_recent = (
        Ticket.objects.filter(community=community, created_at__gte=since)
        .exclude(status__in=Ticket.FINAL_STATUSES)
        .exclude(pk=exclude_pk)
    )
    ids = list(open_recent.order_by("-created_at").values_list("pk", flat=True)[:NEWEST_CANDIDATES])
    bands = sketch_bands(content)
    if bands:
        ids += list(
            TicketSketch.objects.filter(community=community, band__in=bands, created_at__gte=since)
            .filter(ticket__in=open_recent)
            .values("ticket_id")
            .annotate(shared=Count("pk"))
            .order_by("-shared", "-ticket_id")
            .values_list("ticket_id", flat=True)[:SKETCH_CANDIDATES]
        )
    tickets = Ticket.objects.filter(pk__in=set(ids)).only(
        "id", "number", "content", "status", "created_at", "community_id"
    )
    return rank_duplicates(content, sorted(tickets, key=lambda t: t.created_at, reverse=True), limit=limit)
