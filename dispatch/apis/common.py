"""Small helpers the ticket APIs share: service errors with a field become 400 field messages."""

from contextlib import contextmanager

from rest_framework import serializers

from common.errors import ApplicationError, ConflictError
from dispatch.models import Ticket
from dispatch.selectors import ticket_get_for_user


@contextmanager
def field_errors():
    """An ApplicationError naming a field becomes {"field": ["message"]} (400), like serializer errors."""
    try:
        yield
    except ConflictError:
        raise
    except ApplicationError as exc:
        field = exc.extra.get("field")
        if field:
            raise serializers.ValidationError({field: [exc.message]}) from exc
        raise


def visible_ticket(request, pk) -> Ticket:
    """The ticket if the user may know it exists (404 otherwise)."""
    return ticket_get_for_user(request.user, pk)
