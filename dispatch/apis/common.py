"""Small helpers the ticket APIs share. (Service errors become responses in config/exceptions.py.)"""

from dispatch.models import Ticket
from dispatch.selectors import ticket_get_for_user


def visible_ticket(request, pk) -> Ticket:
    """The ticket if the user may know it exists (404 otherwise)."""
    return ticket_get_for_user(request.user, pk)
