"""Idempotency-Key for POSTs: the same key and request replay the first answer; nothing is done twice.

A client that times out and retries a filing must not create a second ticket. It sends a key of its own
choosing (a UUID) in the `Idempotency-Key` header (the intake page puts one in a hidden field of each
form it renders). The first request with a key does its work and stores its 2xx answer with the key in
the same transaction; a later request with the same key and the same method, path and body gets that
answer again (`Idempotent-Replayed: true`) without doing anything; the same key with a different request
is refused (IdempotencyKeyReused → 409, naming the key). Two requests with one key at the same moment: the
second waits on the key's unique index and then replays the first's answer. Non-2xx answers are not
stored (the work was rolled back; the client may fix the request and retry with the same key). Keys are
kept DISPATCH_IDEMPOTENCY_HOURS (at least 24 h); `idempotency_keys_purge` deletes expired ones.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from dispatch.models import IdempotencyKey

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces (UUIDs, ULIDs, …)


class IdempotencyKeyReused(ConflictError):
    code = "idempotency_key_reused"


@dataclass
class Answer:
    status: int
    body: object
    replayed: bool = False


class _NotStored(Exception):
    """Raised inside the transaction to roll back the key (and the work) of a non-2xx answer."""

    def __init__(self, answer: Answer):
        self.answer = answer


def idempotency_key_check(key: str) -> str:
    if not KEY_PATTERN.match(key or ""):
        raise ApplicationError(
            "Idempotency-Key 须为 1–255 个可见 ASCII 字符（建议使用 UUID）",
            code="invalid_idempotency_key",
            extra={"field": "Idempotency-Key"},
        )
    return key


def request_fingerprint(*, method: str, path: str, body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def _replay(record: IdempotencyKey, fingerprint: str) -> Answer:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency-Key “{record.key}” 已用于另一个请求（{record.method} {record.path}），请为新的请求使用新的键",
            extra={"field": "Idempotency-Key", "key": record.key},
        )
    return Answer(record.response_status, record.response_body, replayed=True)


def _live(user, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key, expires_at__gt=timezone.now()).first()


def idempotent_call(*, user, key: str, method: str, path: str, body: object, call: Callable[[], Answer]) -> Answer:
    """Run `call` at most once per (user, key); see the module docstring for what callers may rely on."""
    idempotency_key_check(key)
    fingerprint = request_fingerprint(method=method, path=path, body=body)
    existing = _live(user, key)
    if existing is not None:
        return _replay(existing, fingerprint)
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=timezone.now()).delete()
    hours = max(24.0, float(settings.DISPATCH_IDEMPOTENCY_HOURS))
    now = timezone.now()
    try:
        with transaction.atomic():
            # The key first: a concurrent request with the same key waits here until this one commits.
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                fingerprint=fingerprint,
                method=method.upper(),
                path=path[:255],
                response_status=0,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
            answer = call()
            if not 200 <= answer.status < 300:
                raise _NotStored(answer)
            record.response_status, record.response_body = answer.status, answer.body
            record.save(update_fields=["response_status", "response_body"])
            return answer
    except _NotStored as not_stored:
        return not_stored.answer
    except IntegrityError:
        existing = _live(user, key)
        if existing is None or existing.response_status == 0:
            raise
        return _replay(existing, fingerprint)


def idempotency_keys_purge(*, now=None) -> int:
    """Delete expired keys; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
