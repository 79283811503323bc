"""A process-local memo of the governance reads that routing repeats for every ticket (the places of a
community, a community's default grid, the unit of a type in a region, the 派单目录): they change a few
times a year and are read ~10 times a ticket.

The memo is dropped
- at once in this process, and in the others through a version key in the Django cache (Redis in
  production) that each process checks at most every CHECK_SECONDS, when a row of a watched model is
  saved or deleted (signals, governance/apps.py; again after commit, so no process re-reads the old rows
  in between) or when a bulk writer calls `governance_cache_invalidate()`;
- after `GOVERNANCE_CACHE_SECONDS` in any case: the safety net for a write nobody announced
  (`QuerySet.update()`, SQL). 0 turns the memo off (the test suite does, because its tests edit rows with
  `update()` and expect the next read to see it; tests/governance/test_caching.py tests the memo itself).

Values are shared between threads and callers: treat them as read-only.
"""

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from common.versions import shared_version, shared_version_bump

VERSION_KEY = "governance:reads-version"
CHECK_SECONDS = 2.0

_lock = threading.Lock()
_state = {"memo": {}, "born": 0.0, "version": None, "checked_at": 0.0}


def _drop_local() -> None:
    with _lock:
        _state.update(memo={}, born=time.monotonic(), checked_at=0.0)


def _announce() -> None:
    _drop_local()
    shared_version_bump(VERSION_KEY)


def governance_cache_invalidate() -> None:
    """Forget every memoised read here and in the other processes (now, and again after commit)."""
    _announce()
    transaction.on_commit(_announce)


def _current_memo(max_age: float) -> dict:
    now = time.monotonic()
    with _lock:
        if now - _state["born"] > max_age:
            _state.update(memo={}, born=now)
        check = now - _state["checked_at"] > CHECK_SECONDS
        if check:
            _state["checked_at"] = now
    if check:
        version = shared_version(VERSION_KEY)
        with _lock:
            if version != _state["version"]:
                _state.update(memo={}, born=now, version=version)
    return _state["memo"]


_MISSING = object()


def memo(key: tuple, compute: Callable[[], object]):
    """`compute()`, remembered under `key` until the memo is dropped (see the module docstring)."""
    max_age = settings.GOVERNANCE_CACHE_SECONDS
    if max_age <= 0:
        return compute()
    store = _current_memo(max_age)
    value = store.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        store[key] = value
    return value
