"""Reads: what a user may see of tickets, the timeline, the queues, and what a user may do now."""

import datetime
import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from classifier.text import mask_pii
from dispatch.actors import Actor, actor_for, grid_q, is_lead, on_grid, region_q
from dispatch.models import (
    CityMode,
    Notification,
    NotificationRead,
    Ticket,
    TicketAssist,
    TicketCaller,
    TicketEvent,
    WorkCalendarDay,
)
from dispatch.selectors.privacy import CALLER_NAME_ROLES
from dispatch.workflow import INTERNAL_MOVES, MOVES, actor_may, status_allows
from governance import roles
from governance.models import Department, Grid, Region
from governance.selectors import Directory, departments_near, is_fallback_department

S = Ticket.Status


# --- Scope ------------------------------------------------------------------------------------


def _visible_filter(actor: Actor) -> Q | None:
    """The filter of tickets the actor may see; None means all of them."""
    if actor.is_admin:
        return None
    everything = False
    q = Q(pk__in=[])
    if actor.has(roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR):
        rq = region_q(actor.region)
        if not rq:
            everything = True
        q |= rq
    handlers = Q(pk__in=[])
    if actor.has(roles.DEPARTMENT_STAFF) and actor.department is not None:
        assists = TicketAssist.objects.filter(ticket=OuterRef("pk"), department=actor.department)
        handlers |= Q(lead_department=actor.department) | Q(Exists(assists))
    if actor.has(roles.GRID_WORKER):
        handlers |= grid_q(actor.grid_codes)
    q |= handlers
    # 保密件: only those who route and work it — whoever filed it, the hotline centre's dispatchers, every
    # staff member of the lead and 协办 units, the grid workers of its grid (a unit's staff share the
    # unit's tickets). Not supervisors, other operators or other units. What they see of the caller:
    # dispatch.selectors.privacy.
    owners = Q(created_by_id=actor.user_id) | handlers
    if actor.has(roles.DISPATCHER):
        owners |= region_q(actor.region) or Q(pk__isnull=False)
    confidential = Q(confidential=False) | owners
    if everything:
        return confidential
    return q & confidential


def ticket_queryset() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("district", "street", "community", "grid", "lead_department")


def ticket_list_for_user(user, *, queryset: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """Every ticket the user may see (role and object scope, confidential tickets hidden beyond owners)."""
    actor = actor_for(user)
    qs = queryset if queryset is not None else ticket_queryset()
    if not actor.roles:
        return qs.none()
    flt = _visible_filter(actor)
    return qs if flt is None else qs.filter(flt)


def ticket_get_for_user(user, pk) -> Ticket:
    """The ticket, or Http404 when it does not exist or the user may not know it exists."""
    try:
        return ticket_list_for_user(user).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("工单不存在") from exc


def can_view(user, ticket: Ticket) -> bool:
    return ticket_list_for_user(user, queryset=Ticket.objects.all()).filter(pk=ticket.pk).exists()


# --- What the user may do -----------------------------------------------------------------------


def move_blocker(name: str, ticket: Ticket, *, now: datetime.datetime | None = None) -> str | None:
    """Why a move the table allows is still refused for this ticket (None when it is not)."""
    now = now or timezone.now()
    if name == "return":
        if ticket.lead_department_id and is_fallback_department(ticket.lead_department):
            return "兜底承办单位不能退单"
        if ticket.return_due and now > ticket.return_due:
            return "已超过退单时限"
    if name == "self_handle" and ticket.channel != Ticket.Channel.PATROL:
        return "只有巡查发现的问题可以自行处置"
    return None


def allowed_actions(user, ticket: Ticket) -> list[str]:
    """Names of the moves the user may make on this ticket now (the pages show these as buttons)."""
    actor = actor_for(user)
    now = timezone.now()
    names = []
    for move in MOVES.values():
        if move.name in INTERNAL_MOVES:
            continue
        if (
            status_allows(move, ticket)
            and actor_may(move, actor, ticket)
            and move_blocker(move.name, ticket, now=now) is None
        ):
            names.append(move.name)
    return names


# Roles that use the model's figures (confidence, version, top-3): the centre that dispatches and reviews.
MODEL_FIGURE_ROLES = {roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN}


def may_see_model_figures(user) -> bool:
    """Grid workers and department staff act on the ticket, not on the model: its confidence, version and
    alternatives are noise to them (and invite arguing with the dispatch), so pages leave them out."""
    return bool(actor_for(user).roles & MODEL_FIGURE_ROLES)


def may_reveal_phone(user, ticket: Ticket) -> bool:
    """The hotline centre and whoever handles the ticket may read the caller's full number (recorded);
    on a confidential ticket only the hotline centre."""
    actor = actor_for(user)
    if actor.roles & CALLER_NAME_ROLES:
        return True
    if ticket.confidential:
        return False
    return is_lead(actor, ticket) or on_grid(actor, ticket)


# --- Timeline, queues, lookups ------------------------------------------------------------------


def ticket_timeline(ticket: Ticket) -> QuerySet[TicketEvent]:
    return TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("created_at", "id")


def _queue(user, status: str) -> QuerySet[Ticket]:
    return ticket_list_for_user(user).filter(status=status).order_by("-priority", "created_at", "id")


def human_dispatch_queue(user) -> QuerySet[Ticket]:
    """Tickets below the auto-dispatch threshold (or with no model), oldest first, with `ai_top3`."""
    return _queue(user, S.PENDING_DISPATCH)


def human_dispatch_options(tickets: Iterable[Ticket]) -> list[dict]:
    """For each ticket of a page of the human dispatch queue: its AI suggestions, each with the unit the
    派单目录 names in the ticket's district (one click dispatches), and the units near it to pick from
    by hand. Three queries however many tickets: the directory of their districts, the active units."""
    tickets = list(tickets)
    directory = Directory(districts=[t.district for t in tickets])
    units = list(
        Department.objects.filter(is_active=True).select_related("region").order_by("level", "region_id", "name")
    )
    rows = []
    for t in tickets:
        pairs = [(s["code"], s.get("probability")) for s in t.ai_top3 or [] if isinstance(s, dict) and s.get("code")]
        suggestions = [
            {
                "code": s.code,
                "label": directory.category_name(s.code),
                "probability": s.probability,
                "department": s.assignment.lead,
                "fallback": s.assignment.is_fallback,
            }
            for s in directory.suggestions(categories=pairs, district=t.district)
            if s.assignment is not None
        ]
        rows.append(
            {
                "ticket": t,
                "suggestions": suggestions,
                "departments": departments_near(district_code=t.district_id, units=units, exclude_centre=True),
            }
        )
    return rows


def return_review_queue(user) -> QuerySet[Ticket]:
    return _queue(user, S.RETURN_PENDING)


def extension_queue(user) -> QuerySet[Ticket]:
    return _queue(user, S.EXTENSION_PENDING)


def reply_review_queue(user) -> QuerySet[Ticket]:
    return _queue(user, S.REPLIED)


def callback_queue(user) -> QuerySet[Ticket]:
    return _queue(user, S.CALLBACK)


# The worklist: open tickets a unit or a grid holds. What the holder must do next comes first (sign for
# it, handle it), then what waits on the centre (a return, an extension), then replies under review;
# within each, red, yellow, green, then priority and the nearest deadline (none last, on every database).
WORKLIST_STATUSES = (S.DISPATCHED, S.HANDLING, S.EXTENSION_PENDING, S.RETURN_PENDING, S.REPLIED)
WORKLIST_RANKS = ((S.DISPATCHED, S.HANDLING), (S.RETURN_PENDING, S.EXTENSION_PENDING), (S.REPLIED,))
# Roles whose scope is wider than what they hold: their worklist is everything open they may see.
WIDE_ROLES = (roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN)


def _held_ids(actor: Actor) -> QuerySet | None:
    """Ids of the open tickets the actor's unit leads or assists or their grids hold, as one UNION of
    indexed reads (lead unit + status, the assist table, grid + status). `lead = X OR EXISTS(assist)`
    cannot use an index: it scans every open ticket of the city. None when the actor's scope is wider."""
    if actor.has(*WIDE_ROLES):
        return None
    parts = []
    open_ = Ticket.objects.filter(status__in=WORKLIST_STATUSES).order_by()
    if actor.has(roles.DEPARTMENT_STAFF) and actor.department is not None:
        parts.append(open_.filter(lead_department=actor.department).values("pk"))
        parts.append(TicketAssist.objects.filter(department=actor.department).order_by().values("ticket_id"))
    if actor.has(roles.GRID_WORKER) and actor.grid_codes:
        grids = Grid.objects.filter(reduce(operator.or_, [Q(code__startswith=code) for code in actor.grid_codes]))
        parts.append(open_.filter(grid__in=grids.values("pk")).values("pk"))
    if not parts:
        return Ticket.objects.none().values("pk")
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def worklist_for_user(user) -> QuerySet[Ticket]:
    """Open tickets the user's unit or grids hold, in the order they should be worked on (WORKLIST_RANKS,
    then red, yellow, green, then priority and the nearest deadline)."""
    action_rank = Case(
        *[When(status__in=statuses, then=Value(rank)) for rank, statuses in enumerate(WORKLIST_RANKS)],
        output_field=IntegerField(),
    )
    light_rank = Case(
        When(sla_light=Ticket.Light.RED, then=Value(0)),
        When(sla_light=Ticket.Light.YELLOW, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    qs = ticket_list_for_user(user).filter(status__in=WORKLIST_STATUSES)
    held = _held_ids(actor_for(user))
    if held is not None:
        qs = qs.filter(pk__in=held)
    return qs.annotate(action_rank=action_rank, light_rank=light_rank).order_by(
        "action_rank", "light_rank", "-priority", F("sla_due").asc(nulls_last=True), "id"
    )


def tickets_by_phone(phone: str, *, user=None) -> QuerySet[Ticket]:
    """Earlier tickets of a caller (as first caller or as a merged caller), newest first."""
    extra = TicketCaller.objects.filter(ticket=OuterRef("pk"), phone=phone)
    qs = ticket_list_for_user(user) if user is not None else ticket_queryset()
    return qs.filter(Q(caller_phone=phone) | Q(Exists(extra))).order_by("-created_at", "-id")


def notifications_for_user(user) -> QuerySet[Notification]:
    """Notifications addressed to the user, their department, or (supervisors) their region and above,
    each with `read_at`: when this user read it (None: unread for them, whoever else has read it)."""
    actor = actor_for(user)
    q = Q(user_id=actor.user_id)
    if actor.department is not None:
        q |= Q(department=actor.department)
    if actor.has(roles.SUPERVISOR, roles.ADMIN):
        if actor.region is None or actor.region.level == Region.Level.CITY or actor.is_admin:
            q |= Q(region__isnull=False)
        else:
            q |= Q(region_id__in=_ancestor_codes(actor.region))
        q |= Q(kind=Notification.Kind.CALENDAR)
    if not actor.is_admin:
        # Nobody learns of a confidential ticket they cannot open (a unit it moved away from, a supervisor).
        secret = ticket_list_for_user(user, queryset=Ticket.objects.filter(confidential=True)).values("pk")
        q &= Q(ticket__isnull=True) | Q(ticket__confidential=False) | Q(ticket_id__in=secret)
    read = NotificationRead.objects.filter(notification=OuterRef("pk"), user_id=actor.user_id).values("read_at")[:1]
    return (
        Notification.objects.filter(q)
        .annotate(read_at=Subquery(read))
        .select_related("ticket")
        .order_by("-created_at", "-id")
    )


def notifications_unread_count(user) -> int:
    """How many of the notifications addressed to the user they have not read (the menu's badge)."""
    return notifications_for_user(user).filter(read_at__isnull=True).count()


def _ancestor_codes(region: Region) -> list[str]:
    codes = []
    node = region
    while node is not None:
        codes.append(node.code)
        node = node.parent
    return codes


def city_mode_history() -> QuerySet[CityMode]:
    """Every switch of the city operating mode, newest first (the audit record)."""
    return CityMode.objects.select_related("switched_by").order_by("-switched_at", "-id")


def work_calendar_warning(*, today: datetime.date | None = None) -> str | None:
    """A message for supervisors when next year's holidays are not in the working calendar yet.

    Dates without a calendar row are counted Monday to Friday, which misses 调休 and the holidays.
    """
    today = today or timezone.localdate()
    next_year = today.year + 1
    if WorkCalendarDay.objects.filter(date__year=next_year).exists():
        return None
    return (
        f"{next_year}年节假日安排尚未录入工作日历：跨年的办理时限暂按周一至周五计算，请在后台录入国务院公布的放假安排。"
    )


def ticket_confirmed_examples() -> Iterable[tuple[str, str]]:
    """(text, category) of closed tickets whose final category a person confirmed, personal data masked.

    Read by classifier training (setting CLASSIFIER_EXTRA_SOURCES)."""
    rows = (
        Ticket.objects.filter(status=S.CLOSED, category_confirmed=True)
        .exclude(category_code="")
        .values_list("content", "category_code")
        .order_by("id")
    )
    for content, category in rows.iterator(chunk_size=2000):
        yield mask_pii(content), category


def ticket_confirmed_items() -> Iterable[tuple[str, str]]:
    """(text, 派单目录 item path) of closed tickets whose category a person confirmed and whose item agrees
    with the unit that finally handled them (its lead type, or its 乡镇牵头 type, is the final lead's: an
    item a dispatcher chose, or the routing's item that was never 改派 to another kind of unit), personal
    data masked.

    Read by the item model, routing's second reader (setting ROUTING_ITEM_MODEL_EXTRA_SOURCES)."""
    final_type = F("lead_department__dept_type")
    rows = (
        Ticket.objects.filter(status=S.CLOSED, category_confirmed=True, catalogue_item__isnull=False)
        .filter(
            Q(catalogue_item__lead_department_type=final_type)
            | Q(catalogue_item__rural_lead_department_type=final_type)
        )
        .values_list(
            "content",
            "catalogue_item__level1",
            "catalogue_item__level2",
            "catalogue_item__level3",
            "catalogue_item__subitem",
        )
        .order_by("id")
    )
    for content, *parts in rows.iterator(chunk_size=2000):
        yield mask_pii(content), "/".join(p for p in parts if p)
