"""Shared test set-up. App-specific fixtures live in tests/<app>/conftest.py; factories in tests/factories.py."""

import os

import pytest

pytest_plugins = ["tests.fixtures_governance"]

# Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls from a
# thread with a running loop unless told this is intended (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _broker_not_marked_down():
    """A test that kills the broker must not leave this process skipping publishes for the next ones."""
    from dispatch.publishing import broker_state_reset

    broker_state_reset()
    yield
    broker_state_reset()


@pytest.fixture(autouse=True)
def _process_caches_cleared():
    """Rows a test rolls back leave no trace in the per-process caches (who a user is, the city mode,
    whether webhooks are subscribed): rollbacks send no signals."""
    from dispatch.actors import actor_cache_clear
    from dispatch.services.clocks import current_city_mode
    from dispatch.services.webhooks import any_active_subscription

    for clear in (actor_cache_clear, current_city_mode.cache_clear, any_active_subscription.cache_clear):
        clear()
    yield


@pytest.fixture
def memo_on(settings):
    """The governance memo as production runs it (the suite turns it off, tests/testenv.py)."""
    from governance import caching

    settings.GOVERNANCE_CACHE_SECONDS = 60
    caching._drop_local()
    yield
    caching._drop_local()
