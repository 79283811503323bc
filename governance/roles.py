"""Roles are Django groups; their names are the contract between governance, dispatch and the pages."""

OPERATOR = "operator"  # 接线员: files tickets, 即办
DISPATCHER = "dispatcher"  # 派单员 at the hotline centre: human dispatch queue, 派单异议审核, 审核, 回访
GRID_WORKER = "grid_worker"  # 网格员
DEPARTMENT_STAFF = "department_staff"  # 承办单位工作人员
SUPERVISOR = "supervisor"  # 督办/指挥中心, scoped to a region subtree
ADMIN = "admin"

ALL = (OPERATOR, DISPATCHER, GRID_WORKER, DEPARTMENT_STAFF, SUPERVISOR, ADMIN)
LABELS = {
    OPERATOR: "接线员",
    DISPATCHER: "派单员",
    GRID_WORKER: "网格员",
    DEPARTMENT_STAFF: "承办单位",
    SUPERVISOR: "督办/指挥中心",
    ADMIN: "系统管理员",
}


def user_roles(user) -> set[str]:
    """The role names a user holds (superusers hold ADMIN). Cached on the user object per request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
