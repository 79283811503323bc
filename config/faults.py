"""What a request gets when something it needs is down, or the code failed: never a bare HTML 500.

Django turns every uncaught exception, in a view or in a middleware, into a call of `handler500` while
the exception is still being handled; this one looks at it:
- the database, the cache or the broker unreachable → 503 with `Retry-After`: the usual JSON error body
  (`detail`, `code`) for the API, a Chinese page for people;
- anything else → 500, JSON for the API, a Chinese page for people.
"""

import logging
import sys

from django.db import InterfaceError as DbInterfaceError
from django.db import OperationalError as DbOperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _unavailable_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [DbOperationalError, DbInterfaceError, ConnectionError, TimeoutError]
    try:
        from kombu.exceptions import OperationalError as KombuOperationalError

        types.append(KombuOperationalError)
    except ImportError:  # pragma: no cover - kombu ships with celery
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        types += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


UNAVAILABLE = _unavailable_types()


def is_unavailable(exc: BaseException | None) -> bool:
    """True when the exception (or one it came from) says a backing service could not be reached."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unavailable_response(request) -> HttpResponse:
    detail = "服务暂时不可用（数据库或消息服务无法连接），请稍后重试。"
    if wants_json(request):
        response = JsonResponse({"detail": detail, "code": "service_unavailable"}, status=503)
    else:
        html = render_to_string("errors/503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs):
    """handler500: 503 when a backing service is down, otherwise a 500 in the client's language."""
    exc = sys.exc_info()[1]
    if is_unavailable(exc):
        logger.warning("backing service unavailable for %s %s: %r", request.method, request.path, exc)
        return unavailable_response(request)
    if wants_json(request):
        return JsonResponse({"detail": "服务器内部错误，已记录，请稍后重试。", "code": "server_error"}, status=500)
    return HttpResponse(render_to_string("errors/500.html"), status=500, content_type="text/html; charset=utf-8")
