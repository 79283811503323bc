"""The database goes away under a running gunicorn and comes back: 503 + Retry-After (JSON for the API,
a Chinese page for people, /healthz says which part is down), then service again without a restart.
PostgreSQL of the test's own (initdb into a temporary folder, its own port); see database_outage_scenario.py."""

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not glob.glob("/usr/lib/postgresql/*/bin/initdb"), reason="needs PostgreSQL's initdb"),
]


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbout")
    env = {**os.environ, "VAR_DIR": str(tmp / "var"), "REDIS_URL": "", "CELERY_TASK_ALWAYS_EAGER": "0"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "dispatch" / "database_outage_scenario.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_before_the_outage_everything_answers(outage):
    before = outage["before"]
    assert [before[k]["status"] for k in ("file", "list", "page", "health")] == [201, 200, 200, 200]
    assert before["health"]["json"]["database"]["ok"] is True
    assert before["health"]["json"]["broker"]["ok"] is True


def test_database_down_api_answers_503_json_with_retry_after(outage):
    for call in (outage["down"]["file"], outage["down"]["list"]):
        assert call["status"] == 503
        assert call["content_type"].startswith("application/json")
        assert call["json"]["code"] == "service_unavailable"
        assert "稍后重试" in call["json"]["detail"]
        assert int(call["retry_after"]) > 0


def test_database_down_pages_show_a_chinese_503_page(outage):
    page = outage["down"]["page"]
    assert page["status"] == 503
    assert page["content_type"].startswith("text/html")
    assert "服务暂时不可用" in page["text"] and "Traceback" not in page["text"]
    assert int(page["retry_after"]) > 0


def test_database_down_healthz_says_which_part(outage):
    health = outage["down"]["health"]
    assert health["status"] == 503
    assert health["json"]["status"] == "unavailable"
    assert health["json"]["database"]["ok"] is False
    assert health["json"]["broker"]["ok"] is True


def test_database_back_service_recovers_without_a_restart(outage):
    after = outage["after"]
    assert [after[k]["status"] for k in ("file", "list", "page", "health")] == [201, 200, 200, 200]
    assert outage["gunicorn_alive"] is True
    assert outage["tickets"] == 2  # nothing half-written by the filing that got 503


def test_the_worker_reuses_its_connection_and_recovers_after_the_outage(outage):
    """Workers keep their database connection between tasks (config/celery.py); a connection broken by
    the outage is dropped, so the same worker process routes again once the database is back."""
    assert outage["routed_before"] is True
    assert outage["routed_after"] is True
    assert outage["worker_alive"] is True
