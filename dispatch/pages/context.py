"""Context processor (registered in settings): the navigation for the signed-in user's roles."""

from django.urls import reverse

from governance import roles

# (label, url name, roles that see it), in menu order.
NAV = [
    ("受理登记", "pages:intake", {roles.OPERATOR, roles.ADMIN}),
    ("人工派单", "pages:dispatch_queue", {roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN}),
    ("我的工单", "pages:worklist", {roles.GRID_WORKER, roles.DEPARTMENT_STAFF}),
    ("巡查上报", "pages:patrol", {roles.GRID_WORKER}),
    ("工单查询", "pages:ticket_list", {roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN}),
    ("审核队列", "pages:queues", {roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN}),
    ("一屏观全域", "pages:dashboard", {roles.SUPERVISOR, roles.ADMIN}),
    ("热点预警", "pages:hotspots", {roles.SUPERVISOR, roles.ADMIN}),
    ("运行模式", "pages:city_mode", {roles.SUPERVISOR, roles.ADMIN}),
    ("模型版本", "pages:models", {roles.SUPERVISOR, roles.ADMIN}),
    ("知识库", "knowledge:list", {roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN}),
    ("派单复盘", "pages:accuracy", {roles.SUPERVISOR, roles.ADMIN}),
    ("消息通知", "pages:notifications", set(roles.ALL)),
]


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_labels": []}
    held = roles.user_roles(user)
    path = request.path
    items = []
    for label, name, allowed in NAV:
        if held & allowed:
            url = reverse(name)
            item = {"label": label, "url": url, "active": path.startswith(url)}
            if name == "pages:notifications":
                from dispatch.selectors import notifications_unread_count

                item["count"] = notifications_unread_count(user)
            items.append(item)
    return {"nav_items": items, "role_labels": [roles.LABELS[r] for r in roles.ALL if r in held]}
