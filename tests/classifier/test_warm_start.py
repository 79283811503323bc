"""Workers load the active model when they start, so the first routed ticket does not wait for it."""

import pytest
from celery.signals import worker_process_init, worker_ready

from classifier.registry import active_model_cache
from classifier.tasks import warm_active_model

pytestmark = pytest.mark.django_db


def test_a_pool_process_loads_the_active_model_when_it_starts(tiny_model):
    active_model_cache.clear()

    worker_process_init.send(sender=None)

    assert active_model_cache._loaded is not None
    assert active_model_cache._loaded.version == tiny_model.version


def test_a_solo_worker_warms_in_its_main_process_and_a_prefork_parent_leaves_it_to_its_children(tiny_model):
    class SoloConsumer:
        pool = type("TaskPool", (), {"__module__": "celery.concurrency.solo"})()

    class PreforkConsumer:
        pool = type("TaskPool", (), {"__module__": "celery.concurrency.prefork"})()

    active_model_cache.clear()
    worker_ready.send(sender=PreforkConsumer())
    assert active_model_cache._loaded is None

    worker_ready.send(sender=SoloConsumer())
    assert active_model_cache._loaded.version == tiny_model.version


def test_without_a_model_the_worker_still_starts(artifacts_dir):
    active_model_cache.clear()

    assert warm_active_model() is None


def test_a_starting_worker_also_trains_routings_item_model(tiny_model):
    from classifier import items
    from governance.services.catalogue import catalogue_seed

    catalogue_seed()
    items.item_model_forget()

    worker_process_init.send(sender=None)

    assert isinstance(items._cache["model"], items.ItemModel)
