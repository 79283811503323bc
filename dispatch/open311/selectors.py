"""Reads for the Open311 face: the service list (from the 派单目录), API keys, published requests."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from common.inputs import is_id
from dispatch.models import Open311ApiKey, Ticket
from dispatch.open311.errors import Open311Error
from governance.models import DispatchCatalogue
from governance.services.departments import DEPARTMENT_TYPE_LABELS

MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
CLOSED = tuple(Ticket.FINAL_STATUSES)


@dataclass(frozen=True)
class Attribute:
    code: str
    description: str
    values: tuple[tuple[str, str], ...]
    required: bool = False
    datatype: str = "singlevaluelist"
    datatype_description: str = ""
    order: int = 1


# Asked of every service: they become the ticket's type and urgency (the intake's own choices).
ATTRIBUTES = (
    Attribute(code="type", description="诉求类型", values=tuple(Ticket.Type.choices), order=1),
    Attribute(
        code="urgency",
        description="紧急程度（危及生命财产安全请直接拨打110/119/120）",
        values=tuple(Ticket.Urgency.choices),
        order=2,
    ),
)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    keywords: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = field(default=ATTRIBUTES)

    @property
    def metadata(self) -> bool:
        return bool(self.attributes)


def _keywords(text: str) -> tuple[str, ...]:
    # The catalogue's descriptions list their matters ("住房、物业、违建……"): the short pieces are the keywords.
    words = [w.strip() for w in re.split(r"[、，,；;。：:（）()\s]+", text or "")]
    return tuple(dict.fromkeys(w for w in words if 1 < len(w) <= 8))


def open311_services() -> list[Service]:
    """One service per active 派单目录 row, in catalogue order; the service code is the catalogue's
    category code (the ticket's `category_code`). The group is the lead unit's line (住房和城乡建设局 …).

    This is the one place the list comes from: an item-level catalogue (派单目录 items under a
    category) becomes one service per item here, grouped under its category, and nothing else changes."""
    rows = DispatchCatalogue.objects.filter(is_active=True).order_by("category_code")
    return [
        Service(
            code=row.category_code,
            name=row.category_name,
            description=row.description or row.category_name,
            group=DEPARTMENT_TYPE_LABELS.get(row.lead_department_type, row.lead_department_type),
            keywords=_keywords(row.description),
        )
        for row in rows
    ]


def open311_service(code: str) -> Service:
    for service in open311_services():
        if service.code == code:
            return service
    raise Open311Error(404, f"service_code {code} 不存在")


def open311_key_for(raw: str | None) -> Open311ApiKey:
    """The active key for a raw api_key; Open311Error 403 when it is missing, unknown or revoked."""
    if not raw:
        raise Open311Error(403, "api_key 缺失")
    key = Open311ApiKey.objects.filter(key_hash=Open311ApiKey.digest(raw)).first()
    if key is None or not key.is_active:
        raise Open311Error(403, "api_key 无效或已吊销")
    return key


def published_tickets() -> QuerySet[Ticket]:
    """The tickets the Open311 face publishes: those filed through it, never confidential ones (保密件)."""
    return (
        Ticket.objects.filter(channel=Ticket.Channel.OPEN311, confidential=False)
        .select_related("lead_department", "open311", "merged_into")
        .prefetch_related("extra_callers")
        .order_by("-created_at", "-id")
    )


def _parse_datetime(value: str, name: str) -> datetime:
    from django.utils.dateparse import parse_date, parse_datetime

    try:
        parsed = parse_datetime(value.replace(" ", "+")) or (
            datetime.combine(parse_date(value), datetime.min.time()) if parse_date(value) else None
        )
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} 应为 ISO-8601 时间，如 2026-01-01T00:00:00Z")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _positive(value: str | None, name: str, default: int, maximum: int | None = None) -> int:
    if value in (None, ""):
        return default
    if not is_id(str(value)):
        raise Open311Error(400, f"{name} 应为正整数")
    return min(int(value), maximum) if maximum else int(value)


def open311_request_list(params) -> list[Ticket]:
    """GET requests: `service_request_id` (comma list; overrides the other filters, as the spec says),
    `service_code` (comma list), `start_date`/`end_date` (at most 90 days apart; by default the last
    90 days), `status` (open, closed), and the `page`/`page_size` extension (at most 1,000 a page)."""
    qs = published_tickets()
    ids = _csv(params.get("service_request_id"))
    if ids:
        return list(qs.filter(number__in=ids[:MAX_PAGE_SIZE]))
    codes = _csv(params.get("service_code"))
    if codes:
        qs = qs.filter(category_code__in=codes)
    start = _parse_datetime(params["start_date"], "start_date") if params.get("start_date") else None
    end = _parse_datetime(params["end_date"], "end_date") if params.get("end_date") else None
    if start and not end:
        end = min(start + MAX_SPAN, timezone.now())
    end = end or timezone.now()
    start = start or end - MAX_SPAN
    if start > end:
        raise Open311Error(400, "start_date 晚于 end_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date 与 end_date 相距不能超过90天")
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    statuses = _csv(params.get("status"))
    if set(statuses) - {"open", "closed"}:
        raise Open311Error(400, "status 只能为 open 或 closed")
    if statuses == ["open"]:
        qs = qs.exclude(status__in=CLOSED)
    elif statuses == ["closed"]:
        qs = qs.filter(status__in=CLOSED)
    page = _positive(params.get("page"), "page", 1)
    size = _positive(params.get("page_size"), "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    return list(qs[(page - 1) * size : page * size])


def open311_request_get(number: str) -> Ticket:
    ticket = published_tickets().filter(number=number).first()
    if ticket is None:
        raise Open311Error(404, f"service_request_id {number} 不存在")
    return ticket


def open311_token_get(token: str) -> Ticket:
    ticket = published_tickets().filter(open311__token=token).first()
    if ticket is None:
        raise Open311Error(404, f"token {token} 不存在")
    return ticket


def service_names() -> dict[str, str]:
    return dict(DispatchCatalogue.objects.values_list("category_code", "category_name"))
