"""Duplicates: the strict candidates for 并单 (`duplicate_candidates`, routing's notice and the intake
API's merge offer) and the looser hints for the operator on the line (`duplicate_hints`: the same place
and matter, recent, ranked by text; dispatch.duplicates explains both rules, bench/duplicates.py measures
the hints)."""

import datetime

from django.utils import timezone

from dispatch.models import Ticket, TicketSketch
from governance.models import Region

# Candidates of a hint: the newest PER_KEY open tickets under each key of the call (dispatch.duplicates
# explains the keys), and the community's NEWEST_HINT_CANDIDATES newest open tickets (filed a moment ago
# and not routed yet, or routed before keys existed). At most MAX_KEYS × PER_KEY + NEWEST texts are read.
PER_KEY = 12
NEWEST_HINT_CANDIDATES = 10


def _keyed_ticket_ids(community, keys: list[int], since) -> set[int]:
    """The newest PER_KEY open tickets under each key: one query where the database can
    union limited selects (PostgreSQL), else one per key (SQLite); each reads an index range."""
    from django.db import connection

    from dispatch.models import TicketHintKey

    selects = [
        TicketHintKey.objects.filter(community=community, key=key, created_at__gte=since)
        .exclude(ticket__status__in=Ticket.FINAL_STATUSES)
        .order_by("-created_at")
        .values_list("ticket_id", flat=True)[:PER_KEY]
        for key in keys
    ]
    if not selects:
        return set()
    if connection.features.supports_slicing_ordering_in_compound:
        return set(selects[0].union(*selects[1:], all=True))
    return {pk for select in selects for pk in select}


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
    `visible` (a queryset of tickets) limits the candidates to what the caller may see. Bounded work,
    whatever the number of open tickets: at most 3 queries on PostgreSQL, MAX_KEYS + 2 on SQLite."""
    from dispatch.duplicates import HINT_DAYS, hint_keys, rank_hints

    if community is None or not (content or "").strip():
        return []
    since = timezone.now() - datetime.timedelta(days=HINT_DAYS)
    open_recent = (
        Ticket.objects.filter(community=community, created_at__gte=since)
        .exclude(status__in=Ticket.FINAL_STATUSES)
        .exclude(pk=exclude_pk)
    )
    ids = _keyed_ticket_ids(community, hint_keys(content, address), since)
    ids |= set(open_recent.order_by("-created_at").values_list("pk", flat=True)[:NEWEST_HINT_CANDIDATES])
    # The window and status again: a key row is as old as its ticket, but the ticket may have moved on.
    tickets = open_recent.filter(pk__in=ids)
    if visible is not None:
        tickets = tickets.filter(pk__in=visible.values("pk"))
    tickets = tickets.only("id", "number", "content", "address", "status", "created_at", "category_code", "ai_category")
    ordered = sorted(tickets, key=lambda t: t.created_at, reverse=True)
    return rank_hints(content, ordered, address=address, category=category, limit=limit)


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
