"""Item-level routing end to end with a real Celery worker (tests/dispatch/item_routing_scenario.py):
placed territorial call → the street office of its place and the grid worker told; functional → the
district department; utility → the utility, no place needed; no place → held with the reason."""

import pytest
from django.db import connection

from tests.dispatch.celery_worker import Worker, database_url_for_workers, run_scenario_on_sqlite, shared_broker
from tests.dispatch.item_routing_scenario import HOOK, scenario

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow]


def check(result: dict) -> None:
    assert all(r["by_worker"] for r in result.values())
    territorial = result["territorial"]
    assert (territorial["status"], territorial["unit"], territorial["unit_type"]) == (
        "dispatched",
        "文化路街道办事处",
        "street_office",
    )
    assert territorial["item"] == "城乡建设/城市建设和市政管理/环境卫生" and territorial["grid_worker_told"]
    assert territorial["reason"].startswith("事项“环境卫生”") and "属地事项 → 文化路街道办事处" in territorial["reason"]
    functional = result["functional"]
    assert (functional["status"], functional["unit_type"]) == ("dispatched", "renshe")
    assert functional["unit"].startswith("金水区") and "条线事项" in functional["reason"]
    utility = result["utility"]
    assert (utility["status"], utility["unit_type"]) == ("dispatched", "heating")
    assert "企业事项" in utility["reason"]
    held = result["no_place"]
    assert (held["status"], held["unit"], held["item"]) == ("pending_dispatch", None, None)
    assert held["reason"].startswith("地址不明，无法确定属地")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="on SQLite see the scenario-process test below")
@pytest.mark.django_db(transaction=True)
def test_item_routing_by_a_real_worker_on_postgresql(world, tmp_path):
    with shared_broker(tmp_path, database_url=database_url_for_workers()) as env:
        worker = Worker(name="items", env=env, include=HOOK)
        try:
            worker.wait_ready()
            check(scenario(world.operator, worker=worker))
        finally:
            worker.stop()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs the in-process variant above")
def test_item_routing_by_a_real_worker_on_sqlite(tmp_path):
    check(run_scenario_on_sqlite("item_routing_scenario.py", tmp_path))
