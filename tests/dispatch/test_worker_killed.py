"""Fault: a Celery worker killed (SIGKILL, its whole process group) in the middle of routing leaves no
ticket dispatched twice or stuck.

A real `celery -A config worker` subprocess routes with tests.dispatch.routing_hook loaded (`-I`), which
stops routing inside its transaction after all its writes; the test kills it there, checks that nothing
of the routing is visible, then a fresh worker and the reconciler (`dispatch.reconcile_unrouted`, age 0
through DISPATCH_RECONCILE_AFTER_SECONDS) finish the job, and replayed route tasks change nothing. The
scenario itself is tests/dispatch/worker_killed_scenario.py. Broker: REDIS_URL when set, else kombu's
filesystem transport in a temporary folder.
"""

import json
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from tests.dispatch import worker_killed_scenario
from tests.dispatch.celery_worker import database_url_for_workers, run_scenario_on_sqlite, shared_broker

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow]
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def worker_env(tmp_path):
    """The workers' environment, with this process's Celery app on the same broker."""
    with shared_broker(tmp_path, database_url=database_url_for_workers()) as env:
        yield env
        if settings.REDIS_URL:
            _drop_unacked_route_tasks()


def _drop_unacked_route_tasks() -> list[int]:
    """Ticket ids of the route tasks held in kombu's Redis `unacked` hash, which are dropped. A worker
    killed before acking leaves its message there (acks_late), to come back after the visibility
    timeout (an hour) naming a ticket id of this test database: harmless (the replay step shows it)
    but noise for whatever runs then."""
    dropped = []
    with celery_app.connection_for_write() as conn:
        client = conn.default_channel.client
        for tag, raw in client.hgetall("unacked").items():
            headers = json.loads(raw)[0].get("headers", {})
            if headers.get("task") == "dispatch.route_ticket":
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
                dropped.append(int(headers["argsrepr"].strip("()[], ")))
    return dropped


def check(result: dict, *, zhujian: int, chengguan: int, grid: int, grid_worker: int):
    ids, blocked = result["ids"], str(result["blocked"])
    untouched = {
        "status": "received",
        "routed": False,
        "lead": None,
        "grid": None,
        "events": ["created"],
        "assists": [],
    }
    untouched["notifications"] = []
    routed_once = {
        "status": "dispatched",
        "routed": True,
        "lead": zhujian,
        "grid": grid,
        "events": ["created", "routed"],
        "assists": [chengguan],
        "notifications": [["dispatched", chengguan, None], ["dispatched", zhujian, None], ["grid", None, grid_worker]],
    }

    # The worker was inside routing (all written, nothing committed) and died by SIGKILL there.
    assert int(blocked) in ids
    assert result["killed_returncode"] == -signal.SIGKILL
    assert result["during"] == {str(pk): untouched for pk in ids}
    # Not half-dispatched: no status, owner, `routed` event, 协办 row or notification survived the kill.
    assert result["after_kill"] == {str(pk): untouched for pk in ids}
    # Its message died with it; the queued ones were routed by the fresh worker, this one waits...
    assert result["before_reconcile"] == {blocked: untouched}
    # ...until the reconciler routes exactly it.
    assert result["reconciled"] == "1"
    # Replayed route tasks (a late redelivery) and a second reconcile did nothing.
    assert result["replayed"] == ["0", "0", "0", "0"]  # tickets routed by each route task, then the reconciler
    # Each ticket dispatched exactly once: one `routed` event, one owner, no duplicate notification.
    assert result["final"] == {str(pk): routed_once for pk in ids}, json.dumps(result["final"], ensure_ascii=False)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="shares the pytest database with the workers; on SQLite see the scenario-process test below",
)
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_routing_leaves_nothing_half_done_and_each_ticket_is_routed_once(world, worker_env, tmp_path):
    result = worker_killed_scenario.run(operator=world.operator, workdir=tmp_path, env=worker_env)

    if settings.REDIS_URL:  # acks_late: the killed worker never acked, Redis still holds its message
        assert _drop_unacked_route_tasks() == [result["blocked"]]

    grid = world.small.micro_grid
    check(
        result,
        zhujian=world.zhujian.pk,
        chengguan=world.chengguan.pk,
        grid=grid.pk,
        grid_worker=grid.responsible.user_id,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs the in-process variant above")
def test_worker_killed_mid_routing_on_sqlite_with_the_filesystem_broker(tmp_path):
    """SQLite's pytest database is in memory: run the scenario in a process of its own, on a SQLite file
    that the workers share, with the filesystem broker in a temporary folder."""
    result = run_scenario_on_sqlite("worker_killed_scenario.py", tmp_path, loglevel="INFO")
    check(result, **result["world"])
