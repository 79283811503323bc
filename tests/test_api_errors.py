"""The one API error handler: every domain error has one body shape per kind, whoever raised it."""

from common.errors import ApplicationError, ConflictError, ServiceUnavailable
from config.exceptions import api_exception_handler


def test_an_error_naming_a_field_has_the_serializer_shape():
    response = api_exception_handler(ApplicationError("电话号码格式不正确", extra={"field": "caller_phone"}), {})

    assert response.status_code == 400
    assert response.data == {"caller_phone": ["电话号码格式不正确"]}


def test_an_error_without_a_field_carries_detail_and_code():
    response = api_exception_handler(ApplicationError("不行", code="nope"), {})

    assert response.status_code == 400
    assert response.data == {"detail": "不行", "code": "nope"}


def test_a_conflict_is_409_with_its_extra():
    response = api_exception_handler(ConflictError("过期", code="stale", extra={"version": 3}), {})

    assert response.status_code == 409
    assert response.data == {"detail": "过期", "code": "stale", "version": 3}


def test_an_unavailable_service_is_503():
    class NoModel(ServiceUnavailable):
        code = "no_active_model"

    response = api_exception_handler(NoModel("暂无模型"), {})

    assert response.status_code == 503
    assert response.data == {"detail": "暂无模型", "code": "no_active_model"}
