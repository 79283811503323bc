"""Celery tasks of the classifier: ids in, a service call, nothing else."""

from celery import shared_task
from celery.signals import worker_process_init, worker_ready


# Training takes half a minute to a few minutes: far above the default limits meant for routing tasks.
@shared_task(name="classifier.train_candidate", acks_late=False, soft_time_limit=900, time_limit=960)
def train_candidate(user_id: int | None = None, trigger: str = "weekly") -> int:
    """Train and compare a candidate (classifier.candidates.candidate_train); returns the comparison id.

    Not acks_late: a redelivered message would train a second candidate, which wastes half a minute
    but decides the same way; a lost one is retried by the next week's beat or the supervisor.
    """
    from django.contrib.auth import get_user_model

    from classifier.candidates import candidate_train

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return candidate_train(trigger=trigger, by=by).pk


# --- Warm start --------------------------------------------------------------------------------------
# The first routed ticket must not wait for a cold model (a joblib load and jieba's dictionary take
# seconds): each worker process loads the active model once when it starts. Prefork children get
# worker_process_init; the solo and thread pools run tasks in the main process, which gets worker_ready.


def warm_active_model() -> str | None:
    """Load the active model and run one prediction (jieba's dictionary loads on first use); returns the
    version warmed, or None when there is no usable model (routing then sends tickets to a person)."""
    import logging
    import time

    from classifier.services import classify

    logger = logging.getLogger(__name__)
    started = time.monotonic()
    try:
        prediction = classify("小区门口下水道堵塞污水外溢")
    except Exception as exc:  # noqa: BLE001 — a worker without a model must still start and route to people
        logger.warning("classifier not warmed at worker start: %s", exc)
        return None
    logger.info("classifier model %s warmed in %.1f s", prediction.model_version, time.monotonic() - started)
    started = time.monotonic()
    try:
        from classifier.items import item_model

        item_model()  # routing's second reader trains on first use (about 4 s)
    except Exception as exc:  # noqa: BLE001 — routing falls back on the catalogue's words alone
        logger.warning("item model not warmed at worker start: %s", exc)
    else:
        logger.info(
            "item model ready in %.1f s (trained, or loaded from a sibling process)", time.monotonic() - started
        )
    return prediction.model_version


@worker_process_init.connect
def _warm_pool_process(**kwargs):
    warm_active_model()


@worker_ready.connect
def _warm_main_process(sender=None, **kwargs):
    pool = getattr(sender, "pool", None)
    if pool is not None and type(pool).__module__.endswith("prefork"):
        return  # its children warm themselves (worker_process_init)
    warm_active_model()
