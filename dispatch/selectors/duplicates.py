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


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


# One statement for the strict rule's candidates (routing runs it for every ticket; written out in SQL
# because building it with the ORM cost more CPU than running it): the newest open tickets of the
# community, and the open ones sharing most sketch bands with the new text. The second half is driven by
# the band index (community, band) and joins each hit's ticket for its status: the community's open
# tickets are never scanned, so the cost does not grow with them. Portable (PostgreSQL and SQLite).
_T, _S = Ticket._meta.db_table, TicketSketch._meta.db_table
_CANDIDATES_SQL = f"""
SELECT id, number, content, status, created_at, community_id FROM {_T} WHERE id IN (
    SELECT id FROM (
        SELECT id FROM {_T}
         WHERE community_id = %s AND created_at >= %s AND status NOT IN ({{final}}) AND id <> %s
         ORDER BY created_at DESC LIMIT %s
    ) newest
    UNION
    SELECT ticket_id FROM (
        SELECT s.ticket_id FROM {_S} s JOIN {_T} t ON t.id = s.ticket_id
         WHERE s.community_id = %s AND s.band IN ({{bands}}) AND s.created_at >= %s AND s.ticket_id <> %s
           AND t.status NOT IN ({{final}})
         GROUP BY s.ticket_id ORDER BY COUNT(*) DESC, s.ticket_id DESC LIMIT %s
    ) banded
) AND community_id = %s"""


def duplicate_candidates(*, content: str, community: Region | None, exclude_pk=None, limit: int = 5) -> list:
    """Open tickets in the same community, filed in the last 30 days, whose text is very similar.

    Returns [(ticket, similarity)] best first. Conservative on purpose: a false merge hides a citizen's
    request, a missed one only costs a second dispatch (threshold: dispatch.duplicates.THRESHOLD).
    Bounded work: at most SKETCH_CANDIDATES + NEWEST_CANDIDATES texts are compared, found by an index
    (dispatch.duplicates explains the sketch and how rarely it misses a pair above the threshold)."""
    from dispatch.duplicates import rank_duplicates, sketch_bands

    if community is None or not content:
        return []
    since = timezone.now() - datetime.timedelta(days=DUPLICATE_DAYS)
    bands = sketch_bands(content) or [0]  # no band: the second half finds nothing
    final = list(Ticket.FINAL_STATUSES)
    params = [community.pk, since, *final, exclude_pk or 0, NEWEST_CANDIDATES]
    params += [community.pk, *bands, since, exclude_pk or 0, *final, SKETCH_CANDIDATES, community.pk]
    tickets = Ticket.objects.raw(_CANDIDATES_SQL.format(final=_marks(final), bands=_marks(bands)), params)
    return rank_duplicates(content, sorted(tickets, key=lambda t: t.created_at, reverse=True), limit=limit)
