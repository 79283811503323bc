"""The roll-up column lists come from the model, and the beat task is found by the ordinary autodiscovery."""

from config.celery import app
from dispatch.models import DailyTicketStat, MonthlyTicketStat
from dispatch.models.stats import COUNT_FIELDS, DIMENSIONS
from dispatch.services.stats import FLAGS, SOURCES


def test_count_fields_and_dimensions_are_the_model_fields():
    daily = {f.name for f in DailyTicketStat._meta.concrete_fields} - {"id", "day"}
    monthly = {f.name for f in MonthlyTicketStat._meta.concrete_fields} - {"id", "month"}
    assert daily == monthly == set(COUNT_FIELDS) | set(DIMENSIONS)
    assert len(COUNT_FIELDS) == 17
    assert DIMENSIONS == (
        "district_code",
        "street_code",
        "category_code",
        "ai_category",
        "department_id",
        "first_department_id",
    )


def test_every_count_field_has_its_flag_and_every_dimension_its_source():
    assert list(FLAGS) == list(COUNT_FIELDS)
    assert list(SOURCES) == list(DIMENSIONS)


def test_the_rollup_task_is_registered_by_autodiscovery():
    app.loader.import_default_modules()
    assert "dispatch.stats_rollup" in app.tasks
