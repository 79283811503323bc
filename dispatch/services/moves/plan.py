"""What every named move shares: it validates its own inputs and says what the move does (a `Plan`);
`ticket_move` turns that into the service `ticket_<move>(*, ticket, by, …, expected_version=None)`,
which hands the ticket, the actor and the page's version to `ticket_transition` (lock, check, save,
event, then the notifications, in one transaction)."""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from dispatch.actors import Actor
from dispatch.models import Ticket
from dispatch.services.core import ticket_transition


@dataclass(frozen=True)
class Plan:
    """The move's part of `ticket_transition`: the fields it changes (`mutate`), the event's reason and
    data, the target status (a status, or chosen from the locked ticket) and what runs after the save
    (`then(ticket, actor)`, in the same transaction: notifications, rows the move adds)."""

    mutate: Callable[[Ticket, Actor], list[str]] | None = None
    reason: str = ""
    data: dict | None = None
    to_status: str | Callable[[Ticket], str] | None = None
    then: Callable[[Ticket, Actor], object] | None = None


def ticket_move(action: str):
    """Decorate `plan(**inputs) -> Plan` (the inputs only; it raises ApplicationError on bad ones before
    anything is locked) into the move service of `action` of the transition table."""

    def decorate(plan: Callable[..., Plan]) -> Callable[..., Ticket]:
        @functools.wraps(plan)
        def service(*, ticket, by, expected_version: int | None = None, **inputs) -> Ticket:
            # The plan's fields are ticket_transition's arguments of the same names (vars, not asdict:
            # `data` must stay the dict `mutate` fills in).
            return ticket_transition(
                ticket=ticket, by=by, action=action, expected_version=expected_version, **vars(plan(**inputs))
            )

        own = list(inspect.signature(plan).parameters.values())
        kw = inspect.Parameter.KEYWORD_ONLY
        service.__signature__ = inspect.Signature(
            [inspect.Parameter("ticket", kw), inspect.Parameter("by", kw)]
            + own
            + [inspect.Parameter("expected_version", kw, default=None, annotation=int | None)],
            return_annotation=Ticket,
        )
        return service

    return decorate
