"""The broker goes away and comes back, with a real worker and a Redis of the test's own (its own port,
stopped and started; the machine's Redis is never touched). See broker_outage_scenario.py."""

import shutil

import pytest

from tests.dispatch.celery_worker import run_scenario_on_sqlite
from tests.servers import free_port

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def test_worker_survives_a_broker_restart_and_filing_stays_201_and_skips_the_dead_broker(tmp_path):
    result = run_scenario_on_sqlite(
        "broker_outage_scenario.py",
        tmp_path,
        loglevel="INFO",
        env={
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "DISPATCH_BROKER_DOWN_SECONDS": "2",
            "OUTAGE_BEFORE": "2",
            "OUTAGE_DURING": "4",
            "OUTAGE_AFTER": "2",
            "OUTAGE_SECONDS": "8",
        },
    )

    assert result["codes"] == [201] * 8
    assert result["routed_before_outage"] == 2
    assert result["worker_alive_during_outage"] is True
    # the worker reconnected by itself: what is filed after the restart is routed through the broker
    assert result["routed_after_restart_by_worker"] == 2, result["worker_log_tail"]
    assert (result["worker_alive"], result["worker_same_process"], result["unrecoverable_logged"]) == (
        True,
        True,
        False,
    )
    # only the first filing of the outage tried the dead broker; the other three did not wait for it
    assert (result["publish_attempts_during_outage"], result["publish_skipped_during_outage"]) == (1, 3)
    # what was filed during the outage (no message: the broker was down) was routed with the first task
    # after the restart, in its batch (services/routing.py), before the reconciler ran; everything once
    assert result["routed_during_before_reconcile"] == 4
    assert (result["filed"], result["routed"], result["lost"], result["doubled"]) == (8, 8, 0, 0)
