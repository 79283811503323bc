"""Dispatch test world: the real 金水区/中牟县 subtree (governance's `zhengzhou_small`), one account per role
with its scope, and helpers to file and route tickets through the services."""

from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from dispatch import services
from dispatch.models import Ticket
from governance import roles
from governance.models import Department
from tests.dispatch.classifier_stub import FakePrediction
from tests.factories import StaffProfileFactory, UserFactory


@dataclass
class World:
    small: object
    operator: object
    dispatcher: object
    supervisor: object  # 金水区
    supervisor_zm: object  # 中牟县
    staff: object  # 金水区住建局
    staff_chengguan: object  # 金水区城管局 (协办 of 城乡建设)
    staff_zm: object  # 中牟县住建局
    street_staff: object  # 文化路街道办事处
    worker: object  # 农大社区第1网格 (网格长)
    worker_other: object  # 晨光社区 (中牟)
    admin: object
    zhujian: Department
    chengguan: Department
    zhujian_zm: Department
    fallback: Department
    extra: dict = field(default_factory=dict)

    def users(self) -> dict:
        return {
            "operator": self.operator,
            "dispatcher": self.dispatcher,
            "supervisor": self.supervisor,
            "staff": self.staff,
            "worker": self.worker,
            "admin": self.admin,
        }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 costs most of a second per test account on this machine; tests need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _staff(username, role, *, department=None, region=None):
    user = UserFactory(username=username, roles=[role])
    StaffProfileFactory(user=user, department=department, region=region)
    return user


@pytest.fixture
def world(zhengzhou_small) -> World:
    s = zhengzhou_small
    zhujian = s.department("zhujian")
    chengguan = s.department("chengguan")
    zhujian_zm = s.department("zhujian", s.zhongmou)
    fallback = s.department("district_gov")
    street_office = Department.objects.get(dept_type="street_office", region=s.street)
    return World(
        small=s,
        operator=_staff("op", roles.OPERATOR, region=s.city),
        dispatcher=_staff("disp", roles.DISPATCHER, region=s.city),
        supervisor=_staff("sup", roles.SUPERVISOR, region=s.district),
        supervisor_zm=_staff("sup-zm", roles.SUPERVISOR, region=s.zhongmou),
        staff=_staff("zj", roles.DEPARTMENT_STAFF, department=zhujian),
        staff_chengguan=_staff("cg", roles.DEPARTMENT_STAFF, department=chengguan),
        staff_zm=_staff("zj-zm", roles.DEPARTMENT_STAFF, department=zhujian_zm),
        street_staff=_staff("jd", roles.DEPARTMENT_STAFF, department=street_office),
        worker=s.workers["nongda1"].user,
        worker_other=s.workers["chenguang"].user,
        admin=UserFactory(username="root", roles=[roles.ADMIN]),
        zhujian=zhujian,
        chengguan=chengguan,
        zhujian_zm=zhujian_zm,
        fallback=fallback,
    )


CONTENT = "文化路街道农大社区农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味，请住建部门督促物业清洗。"
ADDRESS = "金水区文化路街道农大社区农大家属院3号楼"
# One two-character item word (水箱): too weak to make up for a classifier below its threshold.
WEAK_CONTENT = "农大家属院的水箱有问题，请尽快处理。"


@pytest.fixture
def predict(monkeypatch):
    """Make routing see a given prediction (the classifier's own tests cover the model)."""

    def set_prediction(code="城乡建设", probability=0.97, auto=True):
        prediction = FakePrediction.of(code, probability, auto=auto)
        monkeypatch.setattr("dispatch.services.routing._classify_many", lambda texts: [prediction] * len(texts))
        return prediction

    set_prediction()
    return set_prediction


@pytest.fixture
def file_ticket(world, predict, django_capture_on_commit_callbacks):
    """File a ticket as the operator and run routing as the worker would (after commit)."""

    def _file(route=True, **fields) -> Ticket:
        data = {"content": CONTENT, "address": ADDRESS, "caller_name": "王建国", "caller_phone": "13812345678"}
        data.update(fields)
        by = data.pop("by", world.operator)
        with django_capture_on_commit_callbacks(execute=False):
            ticket = services.ticket_create(by=by, **data)
        if route:
            services.ticket_route(ticket_id=ticket.pk)
        ticket.refresh_from_db()
        return ticket

    return _file


@pytest.fixture
def dispatched(world, file_ticket) -> Ticket:
    ticket = file_ticket()
    assert ticket.status == Ticket.Status.DISPATCHED
    return ticket


@pytest.fixture
def handling(world, dispatched) -> Ticket:
    return services.ticket_sign(ticket=dispatched, by=world.staff)


@pytest.fixture
def eager_worker():
    """Tasks queued after commit run at once in this process, as a worker would run them."""
    from config.celery import app

    app.loader.import_default_modules()  # the tasks are known by name even when no test imported them yet
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(world, predict, django_capture_on_commit_callbacks):
    """POST helpers that run the on-commit routing like the worker would."""

    class Api:
        def file(self, user=None, **data):
            body = {"content": CONTENT, "address": ADDRESS, "caller_name": "王建国", "caller_phone": "13812345678"}
            body.update(data)
            with django_capture_on_commit_callbacks(execute=False):
                response = client_for(user or world.operator).post("/api/tickets/", body, format="json")
            if response.status_code == 201:
                services.ticket_route(ticket_id=response.data["id"])
            return response

    return Api()
