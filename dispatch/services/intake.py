"""受理: filing a ticket (its phone, place and category rules), 即办, 受理时并单, ticket numbers, reading a
caller's phone, the city operating mode. Pages and APIs check the shape of input and call these."""

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from common.errors import ApplicationError
from common.inputs import is_id
from dispatch.actors import actor_for
from dispatch.models import CityMode, PhoneAccessLog, Ticket, TicketNumberCounter
from dispatch.selectors import may_reveal_phone
from dispatch.services.clocks import CITY_MODE_DEFAULTS, current_city_mode
from dispatch.services.core import (
    enqueue_after_commit,
    item_category,
    optional_text,
    require_category,
    require_item,
    require_text,
    ticket_transition,
    write_event,
)
from dispatch.services.moves import ticket_merge
from governance import roles
from governance.models import Grid, Region
from governance.selectors import region_get

logger = logging.getLogger(__name__)
S = Ticket.Status

CONTENT_MAX = 2000
# Mobile (1[3-9] + 9 digits), landline with area code (0371-12345678), or a local 7-8 digit number,
# once spaces, brackets (half- or full-width) and a +86 prefix are taken out.
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")
PHONE_NOISE = re.compile(r"[\s()（）]")
PHONE_MESSAGE = "请输入有效的手机号（11位）或固定电话（如 0371-12345678）"
# Who may file a ticket (the intake page and its live panels use the same roles).
FILERS = (roles.OPERATOR, roles.DISPATCHER, roles.ADMIN)
PATROL_FILERS = (roles.GRID_WORKER, roles.ADMIN)


def may_file(actor, *, channel: str, grid: Grid | None = None) -> bool:
    """Who files what: the hotline centre files calls; supervisors one kind of ticket, 主动治理 (未诉先办)
    from a hotspot they handle; patrol findings (巡查上报) only grid workers on their own grids (and the
    micro grids below them) and the admin — nobody else files on the patrol channel."""
    if channel == Ticket.Channel.PATROL:
        if actor.is_admin:
            return True
        return (
            actor.has(roles.GRID_WORKER)
            and grid is not None
            and any(grid.code.startswith(code) for code in actor.grid_codes)
        )
    if channel == Ticket.Channel.PROACTIVE and actor.has(roles.SUPERVISOR):
        return True
    return actor.has(*FILERS)


def normalise_phone(phone: str | None, *, field: str = "caller_phone") -> str:
    """The number as stored ("138 1234 5678" and "+86 13812345678" give "13812345678"); "" stays "".
    Raises ApplicationError naming `field` when what is left is not a phone number."""
    phone = PHONE_NOISE.sub("", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not PHONE_RE.match(phone):
        raise ApplicationError(PHONE_MESSAGE, code="invalid_phone", extra={"field": field})
    return phone


def next_ticket_number(day=None) -> str:
    """ZZ + YYYYMMDD + a 6-digit per-day sequence; safe under concurrent intakes: one upsert per number,
    whose row lock serialises concurrent filings of the day until their transactions end."""
    day = day or timezone.localdate()
    table = connection.ops.quote_name(TicketNumberCounter._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        seq = cur.fetchone()[0]
    return f"ZZ{day:%Y%m%d}{seq:06d}"


# --- Where: the place of a ticket -------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    district: Region | None = None
    street: Region | None = None
    community: Region | None = None
    grid: Grid | None = None


def street_in(street: Region | None, district: Region | None) -> bool:
    return street is None or district is None or street.parent_id == district.code


def community_in(community: Region | None, street: Region | None) -> bool:
    return community is None or street is None or community.parent_id == street.code


def grid_in(grid: Grid | None, community: Region | None) -> bool:
    return grid is None or community is None or grid.code.startswith(community.code)


def place_trim(*, district=None, street=None, community=None, grid=None) -> Place:
    """The consistent part of a partly chosen place: a level that does not lie in the one above it is
    dropped with everything below it (the intake picker after a change higher up)."""
    if not street_in(street, district):
        street = community = grid = None
    if not community_in(community, street):
        community = grid = None
    if not grid_in(grid, community):
        grid = None
    return Place(district, street, community, grid)


def _region(code, level: str, field: str) -> Region | None:
    if code in (None, ""):
        return None
    region = code if isinstance(code, Region) else region_get(code, level=level)
    if region is None or region.level != level:
        raise ApplicationError("未知的区划编码", code="unknown_code", extra={"field": field})
    return region


def grid_lookup(value) -> Grid | None:
    """A grid by code or id (or the Grid itself); None for no value. ApplicationError naming `grid`."""
    if value in (None, "") or isinstance(value, Grid):
        return value or None
    grid = Grid.objects.filter(code=str(value)).first() or (
        Grid.objects.filter(pk=int(value)).first() if is_id(value) else None
    )
    if grid is None:
        raise ApplicationError("未知的网格", code="unknown_code", extra={"field": "grid"})
    return grid


def place_check(*, district=None, street=None, community=None, grid=None) -> Place:
    """The place as filed: codes (or Region/Grid rows) looked up, a missing street or district filled
    in from the level below, and each level inside the one above. Raises ApplicationError naming the
    field at fault."""
    district = _region(district, Region.Level.DISTRICT, "district")
    street = _region(street, Region.Level.STREET, "street")
    community = _region(community, Region.Level.COMMUNITY, "community")
    grid = grid_lookup(grid)
    if not community_in(community, street):
        raise ApplicationError("所选社区不属于所选街道", code="mismatch", extra={"field": "community"})
    if community and not street:
        street = region_get(community.parent_id, level=Region.Level.STREET)
    if street and not district:
        district = region_get(street.parent_id, level=Region.Level.DISTRICT)
    if not street_in(street, district):
        raise ApplicationError("所选街道不属于所选区县", code="mismatch", extra={"field": "street"})
    if not grid_in(grid, community):
        raise ApplicationError("所选网格不属于所选社区", code="mismatch", extra={"field": "grid"})
    return Place(district, street, community, grid)


# --- Filing -----------------------------------------------------------------------------------


def ticket_create(
    *,
    by,
    content: str,
    caller_name: str = "",
    caller_phone: str = "",
    channel: str = Ticket.Channel.PHONE,
    address: str = "",
    type: str = Ticket.Type.COMPLAINT,  # noqa: A002 — the domain's word
    urgency: str = Ticket.Urgency.NORMAL,
    confidential: bool = False,
    district=None,
    street=None,
    community=None,
    grid=None,
    category_code: str = "",
    item=None,
    close_at_intake: bool = False,
    answer: str = "",
    content_max: int = CONTENT_MAX,
    route: bool = True,
) -> Ticket:
    """File a ticket (受理). The row and its `created` event are committed first; routing is enqueued
    after commit ("dispatch.route_ticket"), and a broker failure never fails the filing — the
    reconciler routes tickets left in `received`. With `close_at_intake` the operator answered on the
    spot (即办): the ticket is closed in the same transaction and never routed.

    Raises ApplicationError (400, `extra["field"]` names the field) for bad input and PermissionDenied
    for users who may not file. `content_max` lets a channel with a published longer limit (Open311:
    4,000 characters) file longer texts. `route=False` files without routing (a patrol finding the grid
    worker closes in the same transaction: dispatch.services.patrol).
    """
    actor = actor_for(by)
    if not may_file(actor, channel=channel, grid=grid_lookup(grid) if channel == Ticket.Channel.PATROL else None):
        raise PermissionDenied(
            "巡查上报只能由网格员在本人网格内提交" if channel == Ticket.Channel.PATROL else "无权受理工单"
        )
    content = require_text(content, field="content", label="诉求内容", max_length=content_max)
    phone = normalise_phone(caller_phone)
    caller_name = optional_text(caller_name, field="caller_name", label="来电人姓名", max_length=32)
    address = optional_text(address, field="address", label="地址", max_length=200)
    for value, choices, field in (
        (channel, Ticket.Channel, "channel"),
        (type, Ticket.Type, "type"),
        (urgency, Ticket.Urgency, "urgency"),
    ):
        if value not in choices.values:
            raise ApplicationError("未知的选项", code="invalid_choice", extra={"field": field})
    place = place_check(district=district, street=street, community=community, grid=grid)
    category_code = require_category(category_code)
    item = require_item(item)
    category_code = item_category(item, category_code)
    if close_at_intake:
        answer = require_text(answer, field="answer", label="即办答复")

    mode = current_city_mode()
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=next_ticket_number(timezone.localdate(now)),
            channel=channel,
            caller_name=caller_name,
            caller_phone=phone,
            content=content,
            address=(address or "").strip(),
            district=place.district,
            street=place.street,
            community=place.community,
            grid=place.grid,
            address_certain=place.community is not None,
            type=type,
            urgency=urgency,
            priority=(mode.priority_boost if mode else 0) + (2 if urgency == Ticket.Urgency.EMERGENCY else 0),
            category_code=category_code,
            catalogue_item=item,
            confidential=bool(confidential),
            created_by=actor.user,
            created_at=now,
        )
        write_event(ticket=ticket, actor=actor, action="created", from_status="", data={"channel": channel})
        if close_at_intake:
            ticket_close_at_intake(ticket=ticket, by=by, answer=answer)
        elif route:
            enqueue_after_commit("dispatch.route_ticket", ticket.pk)
    return ticket


def ticket_create_merged(*, by, into: Ticket, **fields) -> Ticket:
    """受理时并单: file the call (same arguments as ticket_create) and merge it into `into` in one
    transaction, so the caller is either recorded on the surviving ticket or nothing is written.
    Returns the filed ticket (now `merged`, pointing at `into`)."""
    with transaction.atomic():
        ticket = ticket_create(by=by, **fields)
        return ticket_merge(ticket=ticket, into=into, by=by, reason="受理时并单")


def ticket_close_at_intake(*, ticket: Ticket | int, by, answer: str, expected_version: int | None = None) -> Ticket:
    """即办: the operator answered on the spot; the ticket is closed without dispatch."""
    answer = require_text(answer, field="answer", label="即办答复")

    def mutate(t, actor):
        t.answer = answer
        t.closed_at = timezone.now()
        t.sla_due = t.sla_warn_at = None
        return ["answer", "closed_at", "sla_due", "sla_warn_at"]

    return ticket_transition(
        ticket=ticket, by=by, action="close_at_intake", reason=answer, mutate=mutate, expected_version=expected_version
    )


def ticket_reveal_phone(*, ticket: Ticket, by, purpose: str = "", ip: str | None = None) -> dict:
    """The caller's full number(s), for roles that need it; every read is recorded in PhoneAccessLog."""
    if not may_reveal_phone(by, ticket):
        raise PermissionDenied("无权查看完整号码")
    PhoneAccessLog.objects.create(user=by, ticket=ticket, purpose=(purpose or "")[:200], ip=ip)
    return {
        "caller_name": ticket.caller_name,
        "caller_phone": ticket.caller_phone,
        "extra_callers": [{"name": c.name, "phone": c.phone} for c in ticket.extra_callers.all()],
    }


def city_mode_switch(*, by, mode: str, reason: str = "", scale=None, priority_boost: int | None = None) -> CityMode:
    """Switch the city operating mode (supervisors, admin). New deadlines use the new scale; the row is
    the audit record (who, when, why, with which factors)."""
    actor = actor_for(by)
    if not actor.has(roles.SUPERVISOR, roles.ADMIN):
        raise PermissionDenied("无权切换城市运行模式")
    if mode not in CityMode.Mode.values:
        raise ApplicationError("未知的运行模式", code="invalid_choice", extra={"field": "mode"})
    default_scale, default_boost = CITY_MODE_DEFAULTS[mode]
    scale = default_scale if scale is None else scale
    if not (0 < float(scale) <= 5):
        raise ApplicationError("时限系数应在0到5之间", code="invalid", extra={"field": "scale"})
    switch = CityMode.objects.create(
        mode=mode,
        scale=scale,
        priority_boost=default_boost if priority_boost is None else priority_boost,
        reason=(reason or "")[:200],
        switched_by=actor.user,
    )
    logger.info("city mode switched to %s by user %s", mode, actor.user_id)
    return switch
