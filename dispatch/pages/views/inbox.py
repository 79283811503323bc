"""Notifications users read in the product (派单, 预警, 督办, 退单 …), for every role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.inputs import is_id
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
    """Mark one notification (`id` in the form) or all unread ones read, for this user."""
    one = request.POST.get("id")
    if one is not None and not is_id(one):
        messages.error(request, "消息编号无效")
        return redirect("pages:notifications")
    count = services.notifications_mark_read(by=request.user, ids=[int(one)] if one else None)
    messages.success(request, f"已将 {count} 条消息标为已读")
    return redirect("pages:notifications")


@login_required
def notification_open(request, pk: int):
    """Follow a notification to its ticket, marking it read for this user on the way."""
    note = get_object_or_404(selectors.notifications_for_user(request.user), pk=pk)
    if note.read_at is None:
        services.notifications_mark_read(by=request.user, ids=[note.pk])
    if note.ticket_id is None:
        if (note.data or {}).get("hotspot"):
            return redirect("pages:hotspot_detail", pk=note.data["hotspot"])
        return redirect("pages:notifications")
    return redirect("pages:ticket_detail", pk=note.ticket_id)
