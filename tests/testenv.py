"""Loaded with `-p tests.testenv` (pyproject addopts) before pytest-django reads the settings.

Settings refuse to start without SECRET_KEY when DEBUG is off (the default); tests run with DEBUG off.
API rate limits are off: test users reuse ids from test to test, their counts would add up across
tests (tests/test_security.py turns them on where they are the subject). Routing's governance memo is off:
tests edit rows with QuerySet.update() and expect the next read to see it (tests/governance/test_caching.py
tests the memo).
Worker and scenario subprocesses inherit these variables.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("API_THROTTLE_ENABLED", "0")
os.environ.setdefault("GOVERNANCE_CACHE_SECONDS", "0")
# The item model trained by one test run is never loaded by another (nor written into var/).
os.environ.setdefault("ROUTING_ITEM_MODEL_DIR", tempfile.mkdtemp(prefix="item-models-"))
# A test holds its transaction open while it trains a model or waits for a worker: no idle cut-off.
os.environ.setdefault("DATABASE_IDLE_TRANSACTION_TIMEOUT", "0")
