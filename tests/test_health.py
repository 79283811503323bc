"""GET /healthz, the 503/500 answers of handler500 (config/faults.py), and DEBUG defaulting to off.
The real outage (a PostgreSQL stopped under gunicorn) is tests/dispatch/test_database_outage.py."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.error_urls"


@pytest.fixture
def client_no_raise():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_model_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["model"] == {"ok": False, "error": "no active model"}  # the test database has none
    assert body["status"] == "degraded"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_broker_down_is_503_with_retry_after(client):
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)
    conf.broker_url, conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    try:
        response = client.get("/healthz")
    finally:
        conf.broker_url, conf.broker_transport_options = saved

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_api_database_error_is_503_json_with_retry_after(failing_urls, client_no_raise):
    response = client_no_raise.get("/api/_test/db-down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": response.json()["detail"], "code": "service_unavailable"}
    assert "5432" not in response.content.decode()  # the server's address stays in the log


def test_page_database_error_is_a_chinese_503_page(failing_urls, client_no_raise):
    response = client_no_raise.get("/_test/db-down/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "服务暂时不可用" in response.content.decode()


def test_other_errors_are_500_json_for_the_api_and_a_chinese_page_for_people(failing_urls, client_no_raise):
    api = client_no_raise.get("/api/_test/bug/")
    page = client_no_raise.get("/_test/bug/")

    assert (api.status_code, api.json()["code"]) == (500, "server_error")
    assert "Retry-After" not in api
    assert page.status_code == 500 and "系统错误" in page.content.decode()
    assert "a bug" not in api.content.decode() + page.content.decode()


def _in_a_fresh_process(env_changes: dict, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )


DEBUG_SETTING = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
WEB = "import config.wsgi; print('started')"


def test_debug_is_off_unless_asked_for():
    assert _in_a_fresh_process({"SECRET_KEY": "x" * 50}, DEBUG_SETTING).stdout.strip() == "False"
    assert _in_a_fresh_process({}, DEBUG_SETTING).stdout.strip() == "False"
    assert _in_a_fresh_process({"DEBUG": "1"}, DEBUG_SETTING).stdout.strip() == "True"


def test_the_web_refuses_to_start_without_a_secret_key_when_debug_is_off():
    refused = _in_a_fresh_process({}, WEB)
    assert refused.returncode != 0 and "The SECRET_KEY setting must not be empty" in refused.stderr
    assert _in_a_fresh_process({"SECRET_KEY": "x" * 50}, WEB).stdout.strip() == "started"
    assert _in_a_fresh_process({"DEBUG": "1"}, WEB).stdout.strip() == "started"
