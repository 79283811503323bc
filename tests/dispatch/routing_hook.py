"""Test-only hook, loaded into a real Celery worker with `celery -A config worker -I tests.dispatch.routing_hook`
(the product never imports it). Used by test_worker_killed.py.

- Routing sees a fixed, confident prediction (城乡建设, 0.97, auto), so the ticket takes the dispatched path
  whatever model is (or is not) active in the test database.
- With ROUTING_HOOK_BLOCK_MARKER=<path> set, routing stops *inside* its transaction, after the writes of
  the ticket (update, `routed` event, 协办 rows; its notifications are written then, or at the end of its
  batch, and its batch's other tickets may be written too) and before the commit: it writes the
  ticket id to <path> and waits there to be killed. It gives up after ROUTING_HOOK_BLOCK_SECONDS (120) by
  raising, which rolls the transaction back, so a test that forgot to kill the worker still commits nothing.
"""

import os
import time
from pathlib import Path

import django

django.setup()  # idempotent; the worker may import includes before its own Django set-up

from dispatch.services import routing  # noqa: E402
from tests.dispatch.classifier_stub import FakePrediction  # noqa: E402

PREDICTION = FakePrediction.of("城乡建设", 0.97, auto=True)
routing._classify_many = lambda texts: [PREDICTION] * len(texts)

MARKER = os.environ.get("ROUTING_HOOK_BLOCK_MARKER")
if MARKER:
    _notify_dispatched = routing.notify_dispatched

    def _notify_then_wait_to_be_killed(t, assists):
        _notify_dispatched(t, assists)  # the last write of routing: everything is written, nothing committed
        partial = Path(MARKER + ".tmp")
        partial.write_text(str(t.pk))
        partial.rename(MARKER)  # atomic: the test never reads a half-written marker
        deadline = time.monotonic() + float(os.environ.get("ROUTING_HOOK_BLOCK_SECONDS", "120"))
        while time.monotonic() < deadline:
            time.sleep(0.1)
        raise RuntimeError("routing_hook: nobody killed this worker; rolling back")

    routing.notify_dispatched = _notify_then_wait_to_be_killed
