"""集中诉求预警 writes: the detection pass, and handling a hotspot by 并单 or 未诉先办.

The detection itself is in dispatch/hotspot_detection.py (plain rows in, candidates out); this module
reads the rows, keeps the hotspots and tells the supervisors and the responsible unit.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from dispatch import hotspot_detection as hd
from dispatch.actors import actor_for
from dispatch.hotspot_text import summary_line
from dispatch.models import Hotspot, HotspotScan, HotspotTicket, Notification, Ticket
from dispatch.selectors.hotspots import hotspot_list_for_user
from dispatch.services.assignment import assign_lead, notify_dispatched
from dispatch.services.core import ticket_transition
from dispatch.services.intake import ticket_create
from dispatch.services.moves import ticket_merge
from dispatch.services.notifications import notify_many
from dispatch.workflow import MERGEABLE, MOVES, actor_may
from governance import roles
from governance.models import Department, Region
from governance.selectors import department_for_category

H = Hotspot.Status
# The one table of hotspot moves: status → statuses it may go to.
TRANSITIONS = {
    H.OPEN: (H.MERGED, H.PROACTIVE, H.CLOSED),
    H.MERGED: (H.PROACTIVE, H.CLOSED),
    H.PROACTIVE: (H.CLOSED,),
    H.CLOSED: (),
}
HANDLERS = (roles.SUPERVISOR, roles.ADMIN)


@dataclass
class PassResult:
    created: list
    attached: int
    closed: int


# --- Reading rows ---------------------------------------------------------------------------------

ROW_FIELDS = ("id", "created_at", "content", "category_code", "ai_category", "district_id", "street_id", "community_id")


def _row(v: tuple) -> hd.Row:
    pk, created, content, code, ai, district, street, community = v
    return hd.Row(pk, created, content, code or ai or "", district, street, community)


def _rows(start, end) -> list[hd.Row]:
    qs = (
        # A confidential ticket's words never feed a hotspot's keywords or summary (read by supervisors).
        Ticket.objects.filter(created_at__gt=start, created_at__lte=end, district__isnull=False, confidential=False)
        .exclude(channel=Ticket.Channel.PROACTIVE)
        .order_by("created_at", "id")
        .values_list(*ROW_FIELDS)
    )
    return [_row(v) for v in qs]


def _open_hotspots() -> list[hd.OpenHotspot]:
    live = list(Hotspot.objects.filter(status__in=Hotspot.LIVE_STATUSES).order_by("id"))
    members: dict[int, list] = {h.pk: [] for h in live}
    links = (
        HotspotTicket.objects.filter(hotspot__in=live)
        .order_by("ticket__created_at")
        .values_list("hotspot_id", *[f"ticket__{f}" for f in ROW_FIELDS])
    )
    for hotspot_id, *values in links:
        members[hotspot_id].append(_row(tuple(values)))
    return [hd.OpenHotspot(h.pk, h.kind, h.region_id, h.category_code, members[h.pk], h.level) for h in live]


def _baseline(now, params: hd.Params) -> tuple[Counter, int]:
    """Counts per (street, category) in the baseline windows the history covers, and how many those are."""
    oldest = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
    counts: Counter = Counter()
    weeks = 0
    for start, end in hd.baseline_windows(now, params):
        if oldest is None or oldest > start:
            continue
        weeks += 1
        rows = Ticket.objects.filter(created_at__gt=start, created_at__lte=end, street__isnull=False).exclude(
            channel=Ticket.Channel.PROACTIVE
        )
        for street, code, ai in rows.values_list("street_id", "category_code", "ai_category"):
            if code or ai:
                counts[(street, code or ai)] += 1
    return counts, weeks


# --- The pass ---------------------------------------------------------------------------------------


def hotspots_detect(*, now: datetime.datetime | None = None, params: hd.Params = hd.DEFAULT) -> PassResult:
    """One detection pass (the beat runs it every few minutes; `manage.py detect_hotspots` on demand).

    Closes hotspots quiet for `params.quiet_close`, attaches new tickets to the live hotspot they belong
    to (no new alert), and creates a hotspot — notifying the supervisors of its region and the
    responsible unit — for each new surge. Passes are serialised on the HotspotScan row, so running it
    twice at once, or twice in a row, raises each surge once."""
    now = now or timezone.now()
    with transaction.atomic():
        scan, _ = HotspotScan.objects.get_or_create(pk=1)
        HotspotScan.objects.select_for_update().filter(pk=scan.pk).first()
        closed = Hotspot.objects.filter(status__in=Hotspot.LIVE_STATUSES, last_at__lt=now - params.quiet_close).update(
            status=H.CLOSED, closed_at=now
        )
        rows = _rows(now - params.fetch_window, now)
        live = _open_hotspots()
        baseline, weeks = _baseline(now, params)
        candidates = hd.detect(rows, live, now=now, baseline=baseline, weeks=weeks, params=params)
        created, attached = [], 0
        for c in candidates:
            if c.hotspot_id is not None:
                attached += _attach(c, now)
            else:
                created.append(_create(c, now))
        HotspotScan.objects.filter(pk=scan.pk).update(last_run_at=now)
    return PassResult(created=created, attached=attached, closed=closed)


def _attach(c: hd.Candidate, now) -> int:
    hotspot = Hotspot.objects.select_for_update().get(pk=c.hotspot_id)
    links = [HotspotTicket(hotspot=hotspot, ticket_id=pk, joined_at=now) for pk in c.ticket_ids]
    HotspotTicket.objects.bulk_create(links, ignore_conflicts=True)
    hotspot.ticket_count = hotspot.members.count()
    hotspot.last_at = max(hotspot.last_at, c.last_at)
    fields = ["ticket_count", "last_at"]
    if hd.LEVELS.index(c.level) > hd.LEVELS.index(hotspot.level):  # the surge spread: widen its place
        hotspot.level, hotspot.region_id = c.level, c.region
        fields += ["level", "region"]
    if c.kind == "spike":
        hotspot.score = max(hotspot.score, c.score)
        fields.append("score")
    hotspot.summary = _summary(hotspot, hotspot.keywords)
    hotspot.save(update_fields=fields + ["summary"])
    return len(c.ticket_ids)


def _create(c: hd.Candidate, now) -> Hotspot:
    region = Region.objects.get(pk=c.region)
    district = _district_of(c)
    hotspot = Hotspot(
        kind=c.kind,
        level=c.level,
        region=region,
        district_id=district,
        category_code=c.category,
        first_at=c.first_at,
        last_at=c.last_at,
        detected_at=now,
        ticket_count=len(c.rows),
        score=c.score,
        expected=c.expected,
        keywords=c.keywords,
        lead_department=_responsible(c, district),
    )
    hotspot.summary = _summary(hotspot, c.keywords)
    hotspot.save()
    HotspotTicket.objects.bulk_create(
        [HotspotTicket(hotspot=hotspot, ticket_id=pk, joined_at=now) for pk in c.ticket_ids]
    )
    message = f"集中诉求预警：{hotspot.summary}"
    data = {"hotspot": hotspot.pk, "tickets": len(c.rows)}
    for user in _supervisors_of(region):
        _notify(kind=Notification.Kind.HOTSPOT, user=user, message=message, data=data)
    if hotspot.lead_department is not None:
        _notify(kind=Notification.Kind.HOTSPOT, department=hotspot.lead_department, message=message, data=data)
    return hotspot


def _notify(*, data, **fields) -> None:
    notify_many([Notification(ticket=None, data=data, **fields)])


def _supervisors_of(region: Region):
    """Supervisors whose region subtree holds `region` (a region notification would only reach those at
    or below its own level; the district's 12345 centre must hear of a surge in one of its communities)."""
    codes = []
    node = region
    while node is not None:
        codes.append(node.code)
        node = node.parent
    return (
        get_user_model()
        .objects.filter(groups__name=roles.SUPERVISOR, is_active=True)
        .filter(Q(staff_profile__region__in=codes) | Q(staff_profile__region__isnull=True))
        .distinct()
        .order_by("pk")
    )


def _district_of(c: hd.Candidate) -> str | None:
    districts = Counter(r.district for r in c.rows if r.district)
    return districts.most_common(1)[0][0] if districts else None


def _responsible(c: hd.Candidate, district: str | None) -> Department | None:
    """The unit most of the tickets went to; before routing has decided, the 派单目录's for the category."""
    leads = Counter(
        Ticket.objects.filter(pk__in=c.ticket_ids, lead_department__isnull=False).values_list(
            "lead_department_id", flat=True
        )
    )
    if leads:
        return Department.objects.get(pk=leads.most_common(1)[0][0])
    if not c.category:
        return None
    region = Region.objects.filter(pk=district).first() if district else None
    return department_for_category(category_code=c.category, district=region).lead


def _summary(hotspot: Hotspot, words: list[str]) -> str:
    return summary_line(
        place=_place_name(hotspot.region),
        first_at=hotspot.first_at,
        last_at=hotspot.last_at,
        count=hotspot.ticket_count,
        words=words,
    )


def _place_name(region: Region) -> str:
    names = []
    node = region
    while node is not None and node.level != Region.Level.CITY and len(names) < 3:
        names.append(node.name)
        node = node.parent
    return "".join(reversed(names)) or region.name


# --- Handling a hotspot -------------------------------------------------------------------------------


def _check(hotspot: Hotspot, by, target: str):
    actor = actor_for(by)
    if not actor.has(*HANDLERS):
        raise PermissionDenied("无权处置集中诉求预警")
    if not hotspot_list_for_user(by, live_only=False).filter(pk=hotspot.pk).exists():
        raise PermissionDenied("该预警不在管辖区域内")
    if target not in TRANSITIONS[hotspot.status] and target != hotspot.status:
        raise ConflictError(f"预警{hotspot.get_status_display()}，不能再处置", code="illegal_transition")
    return actor


def hotspot_merge(*, hotspot: Hotspot | int, by, lead_ticket: Ticket | int | None = None) -> tuple[Hotspot, int]:
    """并单: every open ticket of the hotspot the actor may merge goes under one lead ticket (given, or
    the hotspot's earliest open one), which keeps all their callers. Safe to repeat: tickets that joined
    since are merged too. Returns the hotspot and how many tickets were merged now."""
    pk = getattr(hotspot, "pk", hotspot)
    with transaction.atomic():
        h = Hotspot.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)
        actor = _check(h, by, H.MERGED if h.status == H.OPEN else h.status)
        members = list(h.tickets.filter(status__in=MERGEABLE).order_by("created_at", "id"))
        lead_pk = getattr(lead_ticket, "pk", lead_ticket) or h.lead_ticket_id
        if lead_pk is None:
            if not members:
                raise ConflictError("没有可并单的工单", code="nothing_to_merge")
            lead_pk = members[0].pk
        lead = Ticket.objects.filter(pk=lead_pk).first()
        if lead is None or lead.status in Ticket.FINAL_STATUSES or not h.tickets.filter(pk=lead.pk).exists():
            raise ApplicationError("主工单须是本预警中未办结的工单", code="invalid", extra={"field": "lead_ticket"})
        move = MOVES["merge"]
        merged = 0
        for t in members:
            if t.pk != lead.pk and actor_may(move, actor, t):
                ticket_merge(ticket=t, into=lead, by=by, reason=f"集中诉求并单：{h.summary}"[:500])
                merged += 1
        h.lead_ticket = lead
        fields = ["lead_ticket"]
        if h.status == H.OPEN:
            h.status = H.MERGED
            fields.append("status")
        h.save(update_fields=fields)
    return h, merged


def hotspot_open_proactive(*, hotspot: Hotspot | int, by, note: str = "") -> Ticket:
    """未诉先办: one ticket (channel 主动治理) to the hotspot's responsible unit, dispatched at once, so the
    cause is handled once; the hotspot links to it. Refused (409) when the hotspot already has one."""
    pk = getattr(hotspot, "pk", hotspot)
    with transaction.atomic():
        h = Hotspot.objects.select_for_update(of=("self",)).select_related("region", "lead_department").get(pk=pk)
        _check(h, by, H.PROACTIVE)
        if h.proactive_ticket_id is not None:
            raise ConflictError("该预警已派发主动治理工单", code="exists")
        unit = h.lead_department
        if unit is None:
            raise ApplicationError("该预警没有责任单位，请先人工派单", code="no_unit")
        numbers = list(h.tickets.order_by("created_at").values_list("number", flat=True)[:20])
        content = f"【未诉先办】{h.summary}。关联工单：{'、'.join(numbers)}（共{h.ticket_count}件）。请查明原因统一处置，并答复每位来电人。"
        if note.strip():
            content += f"说明：{note.strip()}"
        place = _place_fields(h.region)
        t = ticket_create(
            by=by,
            content=content[:2000],
            channel=Ticket.Channel.PROACTIVE,
            type=Ticket.Type.REPORT,
            category_code=h.category_code,
            **place,
        )
        now = timezone.now()

        def mutate(ticket, actor):
            ticket.routed_at = now
            ticket.dispatch_source = Ticket.DispatchSource.HUMAN
            return ["routed_at", "dispatch_source"] + assign_lead(ticket, unit, now)

        data = {"auto": False, "department": unit.pk, "hotspot": h.pk}
        t = ticket_transition(
            ticket=t, by=None, action="route", to_status=Ticket.Status.DISPATCHED, mutate=mutate, data=data
        )
        notify_dispatched(t, [])
        h.proactive_ticket = t
        h.status = H.PROACTIVE
        h.save(update_fields=["proactive_ticket", "status"])
    return t


def _place_fields(region: Region) -> dict:
    if region.level == Region.Level.COMMUNITY:
        return {"community": region}
    if region.level == Region.Level.STREET:
        return {"street": region}
    if region.level == Region.Level.DISTRICT:
        return {"district": region}
    return {}
