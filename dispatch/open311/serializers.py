"""Open311 shapes: services, service definitions and requests as the spec's plain dicts (the renderers
turn them into JSON or XML). Nothing personal leaves here: no caller name, phone or e-mail, and numbers
or addresses typed into a text are masked."""

import re
from datetime import UTC, datetime

from dispatch.models import Ticket
from dispatch.open311.selectors import CLOSED, Service

PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"
)
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def iso(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with a `Z` (some Open311 clients reject offsets)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def public_text(text: str, ticket: Ticket) -> str:
    """A ticket's text as it may be published: phone numbers, e-mail addresses and the callers' names
    (of this ticket and of tickets merged into it) replaced by asterisks."""
    text = PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(2)}" if m.group(1) else "****", text or "")
    text = EMAIL_IN_TEXT.sub("****", text)
    names = {ticket.caller_name, *(c.name for c in ticket.extra_callers.all())}
    for name in sorted((n for n in names if n and len(n) > 1), key=len, reverse=True):
        text = text.replace(name, name[0] + "*" * (len(name) - 1))
    return text


def service_data(service: Service) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": service.metadata,
        "type": "realtime",
        "keywords": ",".join(service.keywords),
        "group": service.group,
    }


def service_definition_data(service: Service) -> dict:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": key, "name": name} for key, name in a.values],
            }
            for a in service.attributes
        ],
    }


def _status_notes(ticket: Ticket) -> str:
    if ticket.status == Ticket.Status.MERGED and ticket.merged_into_id:
        return f"已并入工单 {ticket.merged_into.number}" if ticket.merged_into else "已并单"
    if ticket.status == Ticket.Status.CLOSED_AT_INTAKE:
        return public_text(ticket.answer, ticket) or ticket.get_status_display()
    if ticket.status == Ticket.Status.CLOSED:
        return public_text(ticket.reply_text, ticket) or ticket.get_status_display()
    return ticket.get_status_display()


def request_data(ticket: Ticket, names: dict[str, str]) -> dict:
    extra = getattr(ticket, "open311", None)
    description = extra.description if extra and extra.description else ticket.content
    media = extra.media_urls if extra else []
    return {
        "service_request_id": ticket.number,
        "status": "closed" if ticket.status in CLOSED else "open",
        "status_notes": _status_notes(ticket),
        "service_name": names.get(ticket.category_code, ticket.category_code),
        "service_code": ticket.category_code,
        "description": public_text(description, ticket),
        "agency_responsible": ticket.lead_department.name if ticket.lead_department_id else "",
        "service_notice": "",
        "requested_datetime": iso(ticket.created_at),
        "updated_datetime": iso(ticket.updated_at),
        "expected_datetime": iso(ticket.handle_due or ticket.sla_due),
        "address": public_text(ticket.address, ticket),
        "address_id": extra.address_id if extra else "",
        "zipcode": "",
        "lat": float(extra.lat) if extra and extra.lat is not None else None,
        "long": float(extra.long) if extra and extra.long is not None else None,
        "media_url": media[0] if media else "",
    }


def created_data(request) -> dict:
    return {
        "service_request_id": request.ticket.number,
        "token": request.token,
        "service_notice": f"已受理，工单编号 {request.ticket.number}；处理进展可按编号查询",
        "account_id": request.account_id or None,
    }
