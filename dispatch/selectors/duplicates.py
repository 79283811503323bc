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
    rank_hints keeps (not different matters by rule, the same category when both are known, and likely the
    same matter by the hint model, which weighs the item model's reading of both texts too).
    `visible` (a queryset of tickets) limits the candidates to what the caller may see. Bounded work,
    whatever the number of open tickets: at most 3 queries on PostgreSQL, MAX_KEYS + 2 on SQLite."""
    from classifier.items import item_model
    from dispatch.duplicates import HINT_DAYS, hint_keys, rank_hints

    if community is None or not (content or "").strip():
        return []
    since = timezone.now() - datetime.timedelta(days=HINT_DAYS)
    open_recent = (
        Ticket.objects.filter(community=community, created_at__gte=since)
        .exclude(status__in=Ticket.FINAL_STATUSES)
        .exclude(pk=exclude_pk)
    )
    reader = item_model()
    ids = _keyed_ticket_ids(community, hint_keys(content, address, reader), since)
    ids |= set(open_recent.order_by("-created_at").values_list("pk", flat=True)[:NEWEST_HINT_CANDIDATES])
    # The window and status again: a key row is as old as its ticket, but the ticket may have moved on.
    tickets = open_recent.filter(pk__in=ids)
    if visible is not None:
        tickets = tickets.filter(pk__in=visible.values("pk"))
    tickets = tickets.only("id", "number", "content", "address", "status", "created_at", "category_code", "ai_category")
    ordered = sorted(tickets, key=lambda t: t.created_at, reverse=True)
    return rank_hints(content, ordered, address=address, category=category, limit=limit, reader=reader)


DUPLICATE_DAYS = 30
# Candidates of the strict rule: the tickets sharing most sketch bands with the new text, and the newest
# open ones (tickets routed before sketches existed, and exact results in a quiet community).
SKETCH_CANDIDATES = 20
NEWEST_CANDIDATES = 10
# Sketch rows read per band of the new text: the newest BAND_ROWS of the window. A band held by more
# tickets than that is one of a common phrase (or of a text repeated that often); a true duplicate shares
# several bands with the new text (24 × J² on average: 3 at J = 0.35, 10 at J = 0.65), and is missed only
# if every one of them is held by BAND_ROWS newer tickets. Bounds the rows read: 24 × BAND_ROWS.
BAND_ROWS = 100


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


# One statement for the strict rule's candidates (routing runs it for every ticket; written out in SQL
# because building it with the ORM cost more CPU than running it): the newest open tickets of the
# community, and the open ones sharing most sketch bands with the new text.
#
# Its plan must not depend on how many tickets the planner believes the community holds: a community
# that was quiet at the last ANALYZE and fills up in a storm (autovacuum re-analyzes a table after 10 % of
# it changed, never for one community's thousands) otherwise gets the plan of an empty one, which read
# every sketch row of the community and rescanned its open tickets once per result row (124 ms at 2,750
# open tickets instead of ~1 ms). So each band is read on its own through the (community, band, created_at)
# index, newest first and at most BAND_ROWS rows (PostgreSQL: LATERAL over the bands; SQLite: a UNION ALL
# of the same limited selects), the status of each ticket found is one primary-key read, and the tickets
# are fetched by primary key from the ids (PostgreSQL: `= ANY(ARRAY(…))`, evaluated once, not re-planned
# as a join; the community of the rows fetched is checked in Python, which keeps the planner from reading
# the community's tickets through its index to test each one against the ids). Cost: bounded by the bands
# and BAND_ROWS, whatever the community holds.
_T, _S = Ticket._meta.db_table, TicketSketch._meta.db_table
_NEWEST_SQL = f"""SELECT id FROM {_T}
         WHERE community_id = %s AND created_at >= %s AND status NOT IN ({{final}}) AND id <> %s
         ORDER BY created_at DESC LIMIT %s"""
_BAND_SQL = f"""SELECT ticket_id FROM {_S}
         WHERE community_id = %s AND band = {{band}} AND created_at >= %s ORDER BY created_at DESC LIMIT %s"""
_BANDED_SQL = f"""SELECT s.ticket_id FROM {{rows}}
         WHERE s.ticket_id <> %s
         GROUP BY s.ticket_id HAVING (SELECT t.status FROM {_T} t WHERE t.id = s.ticket_id) NOT IN ({{final}})
         ORDER BY COUNT(*) DESC, s.ticket_id DESC LIMIT %s"""
_FETCH_SQL = f"SELECT id, number, content, status, created_at, community_id FROM {_T} WHERE {{ids}}"


def _candidates_sql(*, vendor: str, community_id: str, bands: list[int], since, exclude_pk: int) -> tuple[str, list]:
    final = list(Ticket.FINAL_STATUSES)
    newest = _NEWEST_SQL.format(final=_marks(final))
    newest_params = [community_id, since, *final, exclude_pk, NEWEST_CANDIDATES]
    band_params = [community_id, since, BAND_ROWS]
    if vendor == "postgresql":
        rows = f"unnest(ARRAY[{_marks(bands)}]::bigint[]) AS b(band) CROSS JOIN LATERAL ({_BAND_SQL.format(band='b.band')}) s"
        rows_params = [*bands, *band_params]
    else:
        rows = " UNION ALL ".join([f"SELECT ticket_id FROM ({_BAND_SQL.format(band='%s')})"] * len(bands))
        rows = f"({rows}) s"
        rows_params = [p for band in bands for p in (community_id, band, since, BAND_ROWS)]
    banded = _BANDED_SQL.format(rows=rows, final=_marks(final))
    banded_params = [*rows_params, exclude_pk, *final, SKETCH_CANDIDATES]
    if vendor == "postgresql":
        ids = f"id = ANY(ARRAY(({newest}) UNION ({banded})))"
    else:
        ids = f"id IN (SELECT id FROM ({newest}) UNION SELECT ticket_id FROM ({banded}))"
    return _FETCH_SQL.format(ids=ids), [*newest_params, *banded_params]


def duplicate_candidates(*, content: str, community: Region | None, exclude_pk=None, limit: int = 5) -> list:
    """Open tickets in the same community, filed in the last 30 days, whose text is very similar.

    Returns [(ticket, similarity)] best first. Conservative on purpose: a false merge hides a citizen's
    request, a missed one only costs a second dispatch (threshold: dispatch.duplicates.THRESHOLD).
    Bounded work: one statement, at most 24 × BAND_ROWS index rows read and SKETCH_CANDIDATES +
    NEWEST_CANDIDATES texts compared, found by an index (dispatch.duplicates explains the sketch and how
    rarely it misses a pair above the threshold)."""
    from django.db import connection

    from dispatch.duplicates import rank_duplicates, sketch_bands

    if community is None or not content:
        return []
    since = timezone.now() - datetime.timedelta(days=DUPLICATE_DAYS)
    bands = list(dict.fromkeys(sketch_bands(content))) or [0]  # no band: the second half finds nothing
    sql, params = _candidates_sql(
        vendor=connection.vendor, community_id=community.pk, bands=bands, since=since, exclude_pk=exclude_pk or 0
    )
    # A sketch row keeps the community the ticket was routed to; the ticket may have been moved since.
    tickets = [t for t in Ticket.objects.raw(sql, params) if t.community_id == community.pk]
    return rank_duplicates(content, sorted(tickets, key=lambda t: t.created_at, reverse=True), limit=limit)
