"""Notifications users read in the product (派单, 预警, 督办, 退单 …), for every role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dispatch import selectors, services
from dispatch.pages.exports import csv_response, wants_csv
from dispatch.pages.views.common import paginate


@login_required
def notifications(request):
    notes = selectors.notifications_for_user(request.user)
    if request.GET.get("unread") == "1":
        notes = notes.filter(read_at__isnull=True)
    if wants_csv(request):
        return csv_response(
            filename="notifications.csv",
            columns=[
                ("时间", lambda n: timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M")),
                ("类型", lambda n: n.get_kind_display()),
                ("工单编号", lambda n: n.ticket.number if n.ticket else ""),
                ("内容", lambda n: n.message),
                ("已读", lambda n: "是" if n.read_at else "否"),
            ],
            rows=notes.iterator(),
        )
    return render(
        request,
        "pages/notifications.html",
        {"title": "消息通知", "page": paginate(request, notes), "unread_only": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notifications_read(request):
    count = services.notifications_mark_read(by=request.user)
    messages.success(request, f"已将 {count} 条消息标为已读")
    return redirect("pages:notifications")
