"""The one table of allowed moves: from which statuses, to which statuses, and who may make them.

Each role maps to the relation the actor must have with the ticket for that role to count:
  "any"      – the role alone is enough (the admin, or hotline-centre work within its region);
  "region"   – the ticket is inside the actor's region subtree (operators, dispatchers, supervisors);
  "handler"  – staff of the lead department, or the grid worker of the ticket's grid;
  "lead"     – staff of the lead department only;
  "whistler" – the grid worker of the ticket's grid, staff of the lead department or of the street office.
`allowed_actions` (selectors) and `ticket_transition` (services) both read this table, so a button
shown on a page is a move the service accepts.
"""

from dataclasses import dataclass

from dispatch.actors import Actor, in_region, is_lead, is_street_office_of, on_grid
from dispatch.models import Ticket
from governance import roles

S = Ticket.Status
OPEN_WORK = (S.DISPATCHED, S.HANDLING, S.RETURN_PENDING, S.EXTENSION_PENDING)
MERGEABLE = (S.RECEIVED, S.PENDING_DISPATCH, S.DISPATCHED, S.HANDLING, S.RETURN_PENDING, S.EXTENSION_PENDING)

CENTRE = {roles.DISPATCHER: "region", roles.ADMIN: "any"}
# The centre's decisions that a supervisor may also take within the region (the supervisor's queues hold
# returns waiting for 派单异议审核 and extension requests).
CENTRE_OR_SUPERVISOR = {**CENTRE, roles.SUPERVISOR: "region"}
# The intake desk (operators) and the centre: 即办 at filing.
INTAKE = {roles.OPERATOR: "region", **CENTRE}
# Also the operator: the desk works the human dispatch queue (one-click dispatch of suggestions) and merges.
DESK = {roles.OPERATOR: "region", **CENTRE_OR_SUPERVISOR}
HANDLER = {roles.DEPARTMENT_STAFF: "handler", roles.GRID_WORKER: "handler", roles.ADMIN: "any"}
LEAD = {roles.DEPARTMENT_STAFF: "lead", roles.ADMIN: "any"}
WHISTLERS = {roles.GRID_WORKER: "whistler", roles.DEPARTMENT_STAFF: "whistler", roles.ADMIN: "any"}


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    who: dict  # role -> relation
    event: str  # past-tense event action


MOVES: dict[str, Move] = {
    m.name: m
    for m in [
        Move("route", "智能分拨", (S.RECEIVED,), (S.DISPATCHED, S.PENDING_DISPATCH), {"system": "any"}, "routed"),
        Move("dispatch", "人工派单", (S.PENDING_DISPATCH,), (S.DISPATCHED,), DESK, "dispatched"),
        Move(
            "close_at_intake",
            "即办办结",
            (S.RECEIVED, S.PENDING_DISPATCH),
            (S.CLOSED_AT_INTAKE,),
            INTAKE,
            "closed_at_intake",
        ),
        # 自行处置: the grid worker who found it on patrol handled it on the spot (the patrol service files
        # and closes in one transaction; see dispatch/services/patrol.py).
        Move(
            "self_handle",
            "自行处置",
            (S.RECEIVED,),
            (S.CLOSED,),
            {roles.GRID_WORKER: "handler", roles.ADMIN: "any"},
            "self_handled",
        ),
        Move("sign", "签收", (S.DISPATCHED,), (S.HANDLING,), HANDLER, "signed"),
        Move("return", "退单", (S.DISPATCHED, S.HANDLING), (S.RETURN_PENDING,), LEAD, "returned"),
        Move(
            "return_review",
            "派单异议审核",
            (S.RETURN_PENDING,),
            (S.PENDING_DISPATCH, S.DISPATCHED),
            CENTRE_OR_SUPERVISOR,
            "return_reviewed",
        ),
        Move(
            "redispatch",
            "改派",
            (S.RETURN_PENDING, S.DISPATCHED, S.HANDLING),
            (S.DISPATCHED,),
            CENTRE_OR_SUPERVISOR,
            "redispatched",
        ),
        Move("extension_request", "申请延期", (S.HANDLING,), (S.EXTENSION_PENDING,), HANDLER, "extension_requested"),
        Move(
            "extension_approve",
            "延期审批",
            (S.EXTENSION_PENDING,),
            (S.HANDLING,),
            CENTRE_OR_SUPERVISOR,
            "extension_decided",
        ),
        Move("reply", "答复", (S.HANDLING, S.EXTENSION_PENDING), (S.REPLIED,), HANDLER, "replied"),
        Move("reply_review", "审核答复", (S.REPLIED,), (S.CALLBACK, S.HANDLING), CENTRE, "reply_reviewed"),
        Move("callback", "回访", (S.CALLBACK,), (S.CLOSED, S.HANDLING), CENTRE, "called_back"),
        Move("close", "办结", (S.CALLBACK,), (S.CLOSED,), CENTRE, "closed"),
        Move("reopen", "重办", (S.CLOSED,), (S.HANDLING,), CENTRE_OR_SUPERVISOR, "reopened"),
        # Supervisors merge a hotspot's tickets (集中诉求并单) within their region.
        Move("merge", "并单", MERGEABLE, (S.MERGED,), DESK, "merged"),
        Move("whistle", "吹哨报到", (S.HANDLING, S.EXTENSION_PENDING), (), WHISTLERS, "whistled"),
        Move("urge", "催办/督办", OPEN_WORK + (S.REPLIED,), (), CENTRE_OR_SUPERVISOR, "urged"),
    ]
}


# Moves a service makes as part of a larger act (routing; filing a patrol finding handled on the spot),
# never offered on their own as a button or an API move.
INTERNAL_MOVES = frozenset({"route", "self_handle"})


def relation_holds(relation: str, actor: Actor, ticket: Ticket) -> bool:
    if relation == "any":
        return True
    if relation == "region":
        return in_region(actor.region, ticket)
    if relation == "handler":
        return is_lead(actor, ticket) or on_grid(actor, ticket)
    if relation == "lead":
        return is_lead(actor, ticket)
    if relation == "whistler":
        return is_lead(actor, ticket) or on_grid(actor, ticket) or is_street_office_of(actor, ticket)
    raise ValueError(relation)


def actor_may(move: Move, actor: Actor, ticket: Ticket) -> bool:
    """Whether the actor's roles and relation to the ticket allow this move (status not checked)."""
    for role, relation in move.who.items():
        if role in actor.roles and relation_holds(relation, actor, ticket):
            return True
    return False


def status_allows(move: Move, ticket: Ticket) -> bool:
    return ticket.status in move.sources


# Events that are not moves of the table: filing, the survivor's side of 并单, and the sweep's lights.
OTHER_EVENTS = {
    "created": "受理",
    "merge_received": "并入工单",
    "sla_yellow": "黄灯预警",
    "sla_red": "红灯超期",
    "deadlines_recomputed": "时限重算",
}
# Every action a TicketEvent may record (its `choices`): the moves' past-tense events, then the others.
EVENT_LABELS: dict[str, str] = {m.event: m.label for m in MOVES.values()} | OTHER_EVENTS
EVENT_CHOICES: list[tuple[str, str]] = list(EVENT_LABELS.items())
