"""Login lockout (django-axes through config/security.py), per-user API rate limits, 401 for anonymous
API calls, CSP and the HTTPS settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

from config import security
from governance.roles import OPERATOR
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "right-password-1"
pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    u = UserFactory(username="zhangsan", roles=[OPERATOR])
    u.set_password(PASSWORD)
    u.save()
    return u


def page_login(client, password):
    return client.post("/login/", {"username": "zhangsan", "password": password})


def token_login(client, password):
    return client.post("/api/auth/token/", {"username": "zhangsan", "password": password}, format="json")


def test_page_login_locks_out_after_five_failures_even_for_the_right_password(settings, user):
    client = Client()
    codes = [page_login(client, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT - 1)]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with its error

    locked = page_login(client, "wrong")
    then = page_login(client, PASSWORD)

    assert (locked.status_code, then.status_code) == (429, 429)
    body = then.content.decode()
    assert "登录失败次数过多" in body and "15 分钟" in body
    assert then["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_api_token_locks_out_with_a_chinese_json_message(settings, user):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):  # the fifth failure is counted; the lock shows from the next
        assert token_login(client, "wrong").status_code == 400

    response = token_login(client, PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "登录失败次数过多" in response.json()["detail"]
    assert "token" not in response.json()


def test_a_right_page_login_before_the_limit_resets_the_count(settings, user):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login(client, "wrong")
    assert page_login(client, PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page_login(client, "wrong")

    assert page_login(client, PASSWORD).status_code == 302


def test_lockout_is_per_username_and_address(settings, user):
    other = UserFactory(username="lisi", roles=[OPERATOR])
    other.set_password(PASSWORD)
    other.save()
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token_login(client, "wrong")

    from_elsewhere = APIClient(REMOTE_ADDR="10.1.2.3")
    assert client.post("/api/auth/token/", {"username": "lisi", "password": PASSWORD}).status_code == 200
    assert from_elsewhere.post("/api/auth/token/", {"username": "zhangsan", "password": PASSWORD}).status_code == 200


def test_authenticate_from_code_without_a_request_still_works(user):
    from django.contrib.auth import authenticate

    assert authenticate(username="zhangsan", password=PASSWORD) == user


@pytest.fixture
def low_rate(settings, monkeypatch):
    settings.API_THROTTLE_ENABLED = True
    monkeypatch.setattr(security.UserThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    monkeypatch.setattr(security.AnonThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min"})
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_api_rate_limit_is_per_user(low_rate, user):
    first, second = APIClient(), APIClient()
    first.force_authenticate(user)
    second.force_authenticate(UserFactory(roles=[OPERATOR]))

    codes = [first.get("/api/notifications/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    assert second.get("/api/notifications/").status_code == 200


def test_rate_limit_lets_requests_through_when_the_cache_is_down(low_rate, user, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(security.UserThrottle, "cache", type("DownCache", (), {"get": down, "set": down})())
    client = APIClient()
    client.force_authenticate(user)

    assert [client.get("/api/notifications/").status_code for _ in range(5)] == [200] * 5


def test_unauthenticated_api_call_is_401_with_www_authenticate():
    response = APIClient().get("/api/tickets/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_pages_and_api_carry_a_content_security_policy(user):
    client = Client()
    page = client.get("/login/")
    docs = client.get("/api/docs/")

    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert docs.status_code == 200
    assert "https:" not in docs["Content-Security-Policy"]  # nothing from a CDN at run time
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content.decode()


def _setting(env: dict, expression: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_https_turns_on_secure_cookies_hsts_and_the_redirect():
    expression = "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT"
    assert _setting({"HTTPS": "1"}, expression) == "True True 31536000 True"
    assert _setting({"HTTPS": ""}, expression) == "False False 0 False"
