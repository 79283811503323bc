"""The building blocks of one demo ticket: the shared inputs read once (`DemoContext`), a ticket at a
place with a random caller, and its timeline written move by move through the transition table and the
one event builder. `tickets.py` draws a month of them; `work.py` gives every account its share."""

import datetime
import random
from dataclasses import dataclass, field

from dispatch.actors import actor_for
from dispatch.management.demo.places import localise_text
from dispatch.models import Ticket
from dispatch.services.core import event_row
from dispatch.services.sla import WorkCalendar
from dispatch.workflow import MOVES
from governance.models import Region

S = Ticket.Status

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TYPES = [("complaint", 45), ("help", 20), ("consult", 15), ("report", 8), ("suggestion", 8), ("praise", 4)]
CHANNELS = [("phone", 70), ("wechat", 12), ("app", 10), ("web", 8)]
URGENCY = [("normal", 90), ("urgent", 8), ("emergency", 2)]
REPLIES = [
    "已联系来电人并现场核实，相关问题已督促责任单位整改完毕。",
    "经核实情况属实，已协调物业及相关部门处理，后续将持续跟踪。",
    "已按政策向来电人解释说明，来电人表示理解。",
    "已安排工作人员现场处置，问题已解决。",
]


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class Plan:
    ticket: Ticket
    events: list = field(default_factory=list)
    assists: list = field(default_factory=list)


@dataclass
class DemoContext:
    """What every planned ticket shares: the random source, the clock inputs read once, the people."""

    rng: random.Random
    now: datetime.datetime
    categories: list[str]
    assignments: dict
    limits: dict
    cal: WorkCalendar
    scale: object
    operator: object
    dispatcher: object
    staff_by_dept: dict
    city_name: str = "郑州市"
    other_districts: list = field(default_factory=list)
    grid_workers: dict = field(default_factory=dict)  # grid id -> the grid worker's user

    def assignment(self, category: str, district: Region):
        from governance.selectors import department_for_category

        key = (category, district.code)
        if key not in self.assignments:
            self.assignments[key] = department_for_category(category_code=category, district=district)
        return self.assignments[key]


class Timeline:
    """One ticket's history as the product would write it: each step a move of the table, checked
    against its sources and targets, recorded with the move's event name by the one event builder."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.t = plan.ticket

    def created(self, at, *, by) -> None:
        self.plan.events.append(
            event_row(ticket_id=0, action="created", from_status="", to_status=S.RECEIVED, actor=actor_for(by), at=at)
        )

    def move(self, name: str, at, *, to: str | None = None, by=None, unit: str = "", reason="", data=None) -> None:
        move = MOVES[name]
        to = to or (move.targets[0] if move.targets else self.t.status)
        if self.t.status not in move.sources or (move.targets and to not in move.targets):
            raise ValueError(f"demo timeline: {name} from {self.t.status} to {to} is not in the transition table")
        self.plan.events.append(
            event_row(
                ticket_id=0,
                action=move.event,
                from_status=self.t.status,
                to_status=to,
                actor=actor_for(by),
                actor_label=unit or None,
                reason=reason,
                data=data,
                at=at,
            )
        )
        self.t.status = to
        self.t.version += 1
        self.t.updated_at = at


def demo_content(ctx: DemoContext, text: str, district: Region, street: Region) -> str:
    """A complaint of the public set as a demo ticket's text, its anonymised places made Zhengzhou's."""
    return localise_text(
        text, city=ctx.city_name, district=district.name, street=street.name, other_districts=ctx.other_districts
    )[:1200]


def demo_ticket(ctx: DemoContext, *, created, text, place, **fields) -> Ticket:
    """An unsaved demo ticket at a place (district, street, community, grid id) with a random caller."""
    rng = ctx.rng
    district, street, community, grid_id = place
    urgency = fields.pop("urgency", None) or pick(rng, URGENCY)
    values = dict(
        channel=pick(rng, CHANNELS),
        caller_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        caller_phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        content=demo_content(ctx, text, district, street),
        address=f"{district.name}{street.name}{community.name}",
        district=district,
        street=street,
        community=community,
        grid_id=grid_id,
        address_certain=True,
        type=pick(rng, TYPES),
        urgency=urgency,
        priority=2 if urgency == "emergency" else 0,
        created_by=ctx.operator,
        created_at=created,
        updated_at=created,
        status=S.RECEIVED,
        version=0,
        confidential=rng.random() < 0.01,
    )
    values.update(fields)
    return Ticket(**values)
