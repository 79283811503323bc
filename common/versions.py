"""A version stamp in the shared cache that tells every process to drop what it keeps in memory (the
address index, routing's memo of governance reads). The cache being down never stops the caller: a read
gives None and a bump is skipped; each memory keeps its own age limit for that case."""

import uuid

from django.core.cache import cache


def shared_version(key: str) -> str | None:
    """The current stamp under `key`, or None (never set, or the cache unreachable)."""
    try:
        return cache.get(key)
    except Exception:
        return None


def shared_version_bump(key: str) -> None:
    """A new stamp under `key`: other processes see it at their next check and rebuild."""
    try:
        cache.set(key, uuid.uuid4().hex, timeout=None)
    except Exception:
        pass
