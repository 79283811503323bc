"""Writes for the Open311 face: API keys (made, revoked) and service requests filed as tickets."""

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError
from dispatch.actors import Actor
from dispatch.models import Open311ApiKey, Open311Request, Ticket
from dispatch.open311.errors import Open311Error
from dispatch.open311.selectors import open311_service
from dispatch.services import ticket_create
from governance import roles

DESCRIPTION_MAX = 4000
MEDIA_MAX = 10
KEY_PREFIX = "o311_"


@dataclass(frozen=True)
class KeyActor(Actor):
    """Files as an operator would (the intake's rule for who may file), labelled with the client's name in
    the ticket's history; no user account behind it (`created_by` stays empty)."""

    key_name: str = ""

    @property
    def label(self) -> str:
        return f"Open311 {self.key_name}"[:64]


def open311_key_create(*, name: str, note: str = "") -> tuple[Open311ApiKey, str]:
    """A new key for a client; returns the row and the raw key, which is stored nowhere (only its hash)."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ApplicationError("客户端名称应为1到64个字符", code="invalid", extra={"field": "name"})
    if Open311ApiKey.objects.filter(name=name).exists():
        raise ApplicationError("该客户端已有密钥；先吊销或换一个名称", code="exists", extra={"field": "name"})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311ApiKey.objects.create(name=name, note=note[:200], prefix=raw[:12], key_hash=Open311ApiKey.digest(raw))
    return key, raw


def open311_key_revoke(*, key: Open311ApiKey) -> Open311ApiKey:
    """Revoke a key at once; revoking twice keeps the first time."""
    Open311ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    key.refresh_from_db(fields=["revoked_at"])
    return key


def _coordinate(value, name: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > bound:
        raise Open311Error(400, f"{name} 不是有效的坐标")
    return number.quantize(Decimal("0.000001"))


def _caller_name(first: str, last: str) -> str:
    first, last = (first or "").strip(), (last or "").strip()
    # Chinese names are written family name first, without a space; Latin ones "first last".
    if re.search(r"[\u4e00-\u9fff]", first + last):
        return (last + first)[:32]
    return " ".join(p for p in (first, last) if p)[:32]


def _attributes(service, given: dict) -> dict:
    result = {}
    known = {a.code: a for a in service.attributes}
    for attribute in service.attributes:
        value = (given.get(attribute.code) or "").strip()
        if not value:
            if attribute.required:
                raise Open311Error(400, f"attribute[{attribute.code}] 必填")
            continue
        if attribute.datatype == "singlevaluelist" and value not in {k for k, _ in attribute.values}:
            raise Open311Error(400, f"attribute[{attribute.code}] 的取值 {value} 不在列表中")
        result[attribute.code] = value
    # Attributes this service does not define are kept for the record (FixMyStreet sends its own).
    result.update({k: str(v)[:200] for k, v in given.items() if k not in known})
    return result


def open311_request_file(
    *,
    api_key: Open311ApiKey,
    service_code: str,
    description: str = "",
    address_string: str = "",
    address_id: str = "",
    lat=None,
    long=None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    email: str = "",
    device_id: str = "",
    account_id: str = "",
    media_urls: list[str] | None = None,
    attributes: dict | None = None,
) -> Open311Request:
    """File a GeoReport v2 request as a ticket through the intake service (channel `open311`): routed,
    timed and handled like any other ticket. Needs `service_code` and `address_string` or `lat`+`long`;
    `description` up to 4,000 characters. The row records the key that filed it.

    Raises Open311Error (400/403/404) for what the spec calls errors; nothing is written then."""
    if not api_key.is_active:
        raise Open311Error(403, "api_key 已吊销")
    if not service_code:
        raise Open311Error(400, "service_code 必填")
    service = open311_service(service_code)
    lat, long = _coordinate(lat, "lat", 90), _coordinate(long, "long", 180)
    address_string = (address_string or "").strip()
    if not address_string and (lat is None or long is None):
        raise Open311Error(400, "需要 address_string 或 lat 与 long")
    if len(address_string) > 200:
        raise Open311Error(400, "address_string 不能超过200字")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, f"description 不能超过{DESCRIPTION_MAX}字")
    media_urls = [u.strip() for u in (media_urls or []) if u and u.strip()]
    if len(media_urls) > MEDIA_MAX or any(not re.match(r"^https?://\S+$", u) or len(u) > 500 for u in media_urls):
        raise Open311Error(400, f"media_url 应为至多{MEDIA_MAX}个 http(s) 链接")
    email = (email or "").strip()
    if email and (len(email) > 254 or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email)):
        raise Open311Error(400, "email 格式不正确")
    attrs = _attributes(service, attributes or {})

    content = description or f"{service.name}（{address_string or '定位上报'}）"
    if media_urls:
        # The unit reads the content; the photos are links the client hosts.
        content += "\n图片：" + " ".join(media_urls)
    address = address_string or f"坐标 {lat},{long}"
    actor = KeyActor(user=None, roles=frozenset({roles.OPERATOR}), key_name=api_key.name)
    try:
        with transaction.atomic():
            ticket = ticket_create(
                by=actor,
                channel=Ticket.Channel.OPEN311,
                content=content,
                content_max=DESCRIPTION_MAX + 20 + 501 * MEDIA_MAX,
                address=address,
                caller_name=_caller_name(first_name, last_name),
                caller_phone=phone,
                type=attrs.get("type", Ticket.Type.COMPLAINT),
                urgency=attrs.get("urgency", Ticket.Urgency.NORMAL),
                category_code=service.code,
            )
            request = Open311Request.objects.create(
                ticket=ticket,
                api_key=api_key,
                token=secrets.token_hex(16),
                service_code=service.code,
                description=description,
                address_string=address_string,
                address_id=(address_id or "")[:64],
                lat=lat,
                long=long,
                email=email,
                device_id=(device_id or "")[:64],
                account_id=(account_id or "")[:64],
                media_urls=media_urls,
                attributes=attrs,
            )
            Open311ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    except ApplicationError as exc:
        field = exc.extra.get("field", "")
        names = {"caller_phone": "phone", "caller_name": "first_name/last_name", "content": "description"}
        raise Open311Error(400, f"{names.get(field, field)}: {exc.message}".lstrip(": ")) from exc
    except PermissionDenied as exc:
        raise Open311Error(403, str(exc)) from exc
    return request
