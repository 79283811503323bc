"""How a caller's identity shows to one user, and what a confidential ticket (保密件) hides.

The rule, in one place (the visibility filter in tickets.py decides *who* sees a confidential ticket:
the hotline centre that routes it, whoever filed it, every staff member of its lead and 协办 units, the
grid workers of its grid; supervisors, other operators and other units do not):
- the hotline centre (operator, dispatcher, admin) reads caller names in full, everyone else masked
  (张**); phones are always masked here, the full number only through the recorded reveal;
- on a confidential ticket everyone outside the hotline centre sees no caller at all — name and phone
  read "（保密）", merged callers too, the phone cannot be revealed — and the content with the numbers
  that could identify the caller (phones, ID cards, plates, e-mail) masked.
"""

from dataclasses import dataclass

from classifier.text import mask_pii
from dispatch.actors import actor_for
from governance import roles

# Roles that read caller names in full (the hotline centre); everyone else sees them masked.
CALLER_NAME_ROLES = frozenset({roles.OPERATOR, roles.DISPATCHER, roles.ADMIN})
HIDDEN = "（保密）"


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * len(phone)


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def may_read_caller_name(user) -> bool:
    return bool(actor_for(user).roles & CALLER_NAME_ROLES)


@dataclass(frozen=True)
class CallerView:
    """What one user sees of callers; build it once per request with `caller_view(user)`."""

    centre: bool

    def hides(self, ticket) -> bool:
        return bool(ticket.confidential) and not self.centre

    def name(self, ticket, name: str | None = None) -> str:
        """The ticket's caller name (or a merged caller's `name`) as this user may see it."""
        name = ticket.caller_name if name is None else name
        if not name:
            return ""
        if self.hides(ticket):
            return HIDDEN
        return name if self.centre else mask_name(name)

    def phone(self, ticket, phone: str | None = None) -> str:
        phone = ticket.caller_phone if phone is None else phone
        if not phone:
            return ""
        return HIDDEN if self.hides(ticket) else mask_phone(phone)

    def content(self, ticket) -> str:
        return mask_pii(ticket.content) if self.hides(ticket) else ticket.content

    def extra_callers(self, ticket) -> list[dict]:
        return [
            {"name": self.name(ticket, c.name), "phone": self.phone(ticket, c.phone)}
            for c in ticket.extra_callers.all()
        ]


def caller_view(user) -> CallerView:
    return CallerView(centre=may_read_caller_name(user))
