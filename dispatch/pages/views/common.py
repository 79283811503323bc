"""Shared view helpers: role checks, the home redirect, pagination."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from common.errors import ApplicationError, ConflictError
from common.pagination import BoundedPaginator
from governance import roles

# Where each role starts its day, first match wins (a user may hold several roles).
LANDING = [
    (roles.SUPERVISOR, "pages:dashboard"),
    (roles.ADMIN, "pages:dashboard"),
    (roles.OPERATOR, "pages:intake"),
    (roles.DISPATCHER, "pages:dispatch_queue"),
    (roles.GRID_WORKER, "pages:worklist"),
    (roles.DEPARTMENT_STAFF, "pages:worklist"),
]
CENTRE_ROLES = (roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN)
HANDLER_ROLES = (roles.GRID_WORKER, roles.DEPARTMENT_STAFF)
SUPERVISOR_ROLES = (roles.SUPERVISOR, roles.ADMIN)
QUEUE_ROLES = (roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN)
PAGE_SIZE = 30


def role_required(*allowed: str):
    """Signed in (else the login page) and holding one of the roles (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles.has_role(request.user, *allowed):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@login_required
def home(request):
    held = roles.user_roles(request.user)
    for role, url_name in LANDING:
        if role in held:
            return redirect(url_name)
    messages.warning(request, "您的账号尚未分配角色，请联系系统管理员。")
    return redirect("login")


def paginate(request, queryset, size: int = PAGE_SIZE):
    return BoundedPaginator(queryset, size).get_page(request.GET.get("page"))


def report_error(request, exc: ApplicationError) -> None:
    """A refused move as a message on the page (409: someone else moved the ticket first)."""
    if isinstance(exc, ConflictError):
        messages.error(request, f"操作未执行：{exc.message}（工单状态可能已被他人更新，请刷新后重试）")
    else:
        messages.error(request, f"操作未执行：{exc.message}")


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()
