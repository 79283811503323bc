"""No personal data in any log the product writes: a real gunicorn (access, error and app logs) and a
real worker, after filing and searching with distinctive numbers in bodies and query strings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.logmask import mask, mask_url

ROOT = Path(__file__).resolve().parents[1]
PHONE = "13907713579"
ID_NUMBER = "41010519900307123X"
PLATE = "豫A7Q3K9"


@pytest.mark.parametrize(
    "text",
    [
        f"phone={PHONE}",
        "phone=%2B86%20139%200771%203579",
        "phone=+86-139-0771-3579",
        f"q={ID_NUMBER}",
        "q=0371-65551234",
        "q=%E8%B1%ABA7Q3K9",
        "q=zhang.san@example.org",
        "q=9077135",  # a partial number typed into a search
    ],
)
def test_mask_url_leaves_no_personal_number(text):
    masked = mask_url(text)
    assert "***" in masked
    for fragment in ("9077135", "0771", "1234", "7Q3K9", "zhang.san", "65551234"):
        assert fragment not in masked


def test_mask_keeps_what_is_not_personal():
    line = "GET /api/tickets/123/timeline/?page=2 HTTP/1.1 ZZ20261201000123 2026-12-30 18:00"
    assert mask(line) == line


@pytest.mark.slow
@pytest.mark.celery_worker
def test_no_log_holds_the_numbers_after_filing_and_searching(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pii.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PII_PHONE": PHONE,
        "PII_ID": ID_NUMBER,
        "PII_PLATE": PLATE,
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "pii_logs_scenario.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["codes"]["file"] == 201 and result["codes"]["routed"] is True
    assert result["codes"]["search"] == 200
    logs = result["logs"]
    assert "/api/tickets/?q=***" in logs["access.log"]  # the requests were logged, masked
    assert set(logs) >= {"access.log", "error.log", "celery-worker.log"}
    for name, text in logs.items():
        for secret in (PHONE, ID_NUMBER, PLATE, "9077135", "0771 3579", "7Q3K9"):
            assert secret not in text, f"{secret} in {name}"
