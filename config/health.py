"""GET /healthz for a load balancer: database, broker and classifier model, each checked cheaply.

200 when the database and the broker answer (the model is reported but does not fail the check: without
one, tickets still file and wait in the human dispatch queue); 503 with Retry-After otherwise. No login:
the body says which part is down, nothing else.
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.faults import RETRY_AFTER_SECONDS


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any failure means "down" to a load balancer
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker() -> dict:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
            conn.default_channel  # noqa: B018 — opening a channel proves the broker answers
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "transport": app.conf.broker_url.split(":", 1)[0]}


def _model(database_ok: bool) -> dict:
    if not database_ok:
        return {"ok": False, "error": "database unavailable"}
    from classifier.models import ModelVersion
    from classifier.registry import artifact_path

    try:
        version = ModelVersion.objects.filter(is_active=True).values_list("version", flat=True).first()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}
    if version is None:
        return {"ok": False, "error": "no active model"}
    if not artifact_path(version).exists():
        return {"ok": False, "version": version, "error": "artifact missing"}
    return {"ok": True, "version": version}


@never_cache
@require_GET
def healthz(request):
    database = _database()
    broker = _broker()
    model = _model(database["ok"])
    up = database["ok"] and broker["ok"]
    body = {
        "status": ("ok" if model["ok"] else "degraded") if up else "unavailable",
        "database": database,
        "broker": broker,
        "model": model,
    }
    response = JsonResponse(body, status=200 if up else 503)
    if not up:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
