"""Fixtures for the page tests: one account per role on the `zhengzhou_small` regions, and tickets
brought to a given status through the dispatch services (never by writing the status directly)."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from dispatch import services
from dispatch.models import Ticket
from governance import roles
from tests.factories import StaffProfileFactory, UserFactory
from tests.fixtures_governance import zhengzhou_small_build

PASSWORD = "pw-123456"


@pytest.fixture(scope="module")
def _small_world(django_db_setup, django_db_blocker):
    """The governance world built once per module inside a transaction rolled back at the end; each
    test's own transaction nests inside it (a savepoint), so tests stay isolated and fast."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = zhengzhou_small_build()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def zhengzhou_small(_small_world, db):
    """Overrides the shared fixture for page tests (same objects, built once per module). Browser tests
    (transactional, the database is flushed after each) build their own."""
    return _small_world


@dataclass
class Accounts:
    operator: object
    dispatcher: object
    supervisor: object
    staff: object  # 金水区住房和城乡建设局 (lead for 城乡建设)
    other_staff: object  # 金水区教育局
    worker: object  # 农大社区第1网格 leader
    outsider_worker: object  # 中牟县 晨光社区 leader
    admin: object


def make_accounts(z) -> Accounts:
    operator = UserFactory(username="op", roles=[roles.OPERATOR], first_name="接线员")
    dispatcher = UserFactory(username="disp", roles=[roles.DISPATCHER])
    supervisor = UserFactory(username="sup", roles=[roles.SUPERVISOR])
    StaffProfileFactory(user=supervisor, department=None, region=z.district)
    staff = UserFactory(username="zhujian", roles=[roles.DEPARTMENT_STAFF])
    StaffProfileFactory(user=staff, department=z.department("zhujian"))
    other = UserFactory(username="jiaoyu", roles=[roles.DEPARTMENT_STAFF])
    StaffProfileFactory(user=other, department=z.department("jiaoyu"))
    admin = UserFactory(username="admin", roles=[roles.ADMIN])
    return Accounts(
        operator=operator,
        dispatcher=dispatcher,
        supervisor=supervisor,
        staff=staff,
        other_staff=other,
        worker=z.workers["nongda1"].user,
        outsider_worker=z.workers["chenguang"].user,
        admin=admin,
    )


@pytest.fixture
def accounts(zhengzhou_small) -> Accounts:
    return make_accounts(zhengzhou_small)


def _staff_of(unit):
    user = UserFactory(roles=[roles.DEPARTMENT_STAFF])
    StaffProfileFactory(user=user, department=unit)
    return user


@pytest.fixture
def make_ticket(zhengzhou_small, accounts):
    """A ticket in 农大社区 (grid 农大社区第1网格), brought to `status` through the services."""
    z = zhengzhou_small

    def make(
        *,
        status: str = Ticket.Status.DISPATCHED,
        content: str = "农大家属院3号楼下水道堵塞污水外溢，多次反映无人处理",
        **extra,
    ):
        fields = {
            "caller_name": "张三",
            "caller_phone": "13812345678",
            "address": "金水区文化路街道农大社区农大家属院3号楼",
            "district": z.district,
            "street": z.street,
            "community": z.community,
            "grid": z.community_grid,
            **extra,
        }
        ticket = services.ticket_create(by=accounts.operator, content=content, **fields)
        services.ticket_route(ticket_id=ticket.pk)  # no model in page tests: waits for a person
        ticket.refresh_from_db()
        if status == Ticket.Status.PENDING_DISPATCH:
            return ticket
        unit = z.department("zhujian", fields["district"])  # a unit must serve the ticket's district
        services.ticket_dispatch(ticket=ticket, by=accounts.dispatcher, department=unit, category_code="城乡建设")
        if status == Ticket.Status.DISPATCHED:
            return ticket
        staff = accounts.staff if unit == z.department("zhujian") else _staff_of(unit)
        services.ticket_sign(ticket=ticket, by=staff)
        if status == Ticket.Status.HANDLING:
            return ticket
        if status == Ticket.Status.RETURN_PENDING:
            services.ticket_return(ticket=ticket, by=staff, reason="不属于本单位职责")
            return ticket
        raise ValueError(status)

    return make


@pytest.fixture
def celery_eager():
    """Celery tasks run inline (routing right after commit) for tests that file through the pages."""
    import dispatch.tasks  # noqa: F401 - register the tasks so apply_async runs them inline
    from config.celery import app

    old = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = old
