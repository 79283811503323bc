"""Login lockout (django-axes), per-user API rate limits and the Content-Security-Policy header.

- Lockout: AXES_FAILURE_LIMIT wrong passwords for one username from one address lock that pair out for
  AXES_COOLOFF_TIME, on the page login, the admin login and POST /api/auth/token/ alike; the answer is
  HTTP 429 with a Chinese message (JSON for the API, the login page for people).
- Rate limits: DRF throttles per user (and per address for anonymous calls), API_RATE_USER/API_RATE_ANON,
  off with API_THROTTLE_ENABLED=0 (the test suite, whose users share ids from test to test). The counters live
  in the cache, which is on Redis in production: when Redis is down the throttle lets the request
  through instead of failing it — a cache outage must not take filing down with it.
- CSP: one policy for the product's pages (only our own scripts) and a wider one for the Swagger UI,
  which loads its assets from a CDN.
"""

import logging

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return f"登录失败次数过多，该账号已被临时锁定 {cooloff_minutes()} 分钟，请稍后再试；如忘记密码请联系系统管理员。"


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, also for DRF's token view and for calls without a request.

    DRF hands the backend its own Request wrapper; the lockout flag must land on the Django request the
    middleware sees. `authenticate()` called from code without a request (shell, management commands)
    is not a network login: the check is skipped and the next backend decides.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        request = getattr(request, "_request", request)
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.axes_locked_out = True  # axes leaves it unset when a failure extends the cool-off
            raise


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with a Chinese message; JSON for the API, the login page otherwise."""
    message = lockout_message()
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request)
        response = render(request, "registration/login.html", {"form": form, "lockout_message": message}, status=429)
    response["Retry-After"] = retry_after
    return response


class _FailOpen:
    def allow_request(self, request, view):
        if not settings.API_THROTTLE_ENABLED:
            return True
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache (Redis) unreachable: count nothing, block nothing
            logger.warning("rate limit not applied: cache unavailable (%s)", type(exc).__name__)
            return True


class UserThrottle(_FailOpen, UserRateThrottle):
    """Per signed-in user (rate `user`); anonymous calls fall back to the address."""


class AnonThrottle(_FailOpen, AnonRateThrottle):
    """Per client address for calls without a user (rate `anon`): the token view, anonymous probes."""


# --- Content-Security-Policy -----------------------------------------------------------------------

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # htmx injects its indicator style and the templates use style attributes
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# drf-spectacular's Swagger UI: its bundle from our static files (drf-spectacular-sidecar) and one inline
# start-up script.
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = DOCS_POLICY if request.path.startswith("/api/docs") else PAGE_POLICY
            response["Content-Security-Policy"] = policy
        return response
