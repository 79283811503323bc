"""Celery task of the pages: keep the dashboard roll-ups current (beat runs it every minute)."""

from celery import shared_task

from dispatch.pages.stats.services import stats_rollup_recent


@shared_task(name="dispatch.stats_rollup", acks_late=True)
def stats_rollup() -> int:
    # Recomputes whole days from the tickets: running twice or after a lost run gives the same rows.
    return len(stats_rollup_recent())
