"""热点预警 (集中诉求预警) and 每月一题 pages for supervisors: live hotspots with their tickets, handling
one by 并单 or 未诉先办, and the month's most frequent matters per district and street (CSV too)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from dispatch.models import Hotspot
from dispatch.pages.exports import csv_response, wants_csv
from dispatch.pages.views.common import SUPERVISOR_ROLES, paginate, report_error, role_required
from dispatch.selectors.hotspots import hotspot_list_for_user, hotspot_tickets, monthly_topics
from dispatch.services.hotspots import hotspot_merge, hotspot_open_proactive
from governance.models import DispatchCatalogue


@role_required(*SUPERVISOR_ROLES)
def hotspots(request):
    show_closed = request.GET.get("closed") == "1"
    qs = hotspot_list_for_user(request.user, live_only=not show_closed)
    if show_closed:
        qs = qs.filter(status=Hotspot.Status.CLOSED)
    if wants_csv(request):
        return csv_response(
            filename="hotspots",
            columns=[
                ("预警时间", lambda h: h.detected_at),
                ("类型", lambda h: h.get_kind_display()),
                ("状态", lambda h: h.get_status_display()),
                ("地点", lambda h: h.region.name),
                ("事项类别", lambda h: h.category_code),
                ("工单数", lambda h: h.ticket_count),
                ("强度", lambda h: h.score),
                ("摘要", lambda h: h.summary),
                ("责任单位", lambda h: h.lead_department.name if h.lead_department else ""),
            ],
            rows=qs,
        )
    return render(request, "pages/hotspots.html", {"page": paginate(request, qs), "show_closed": show_closed})


@role_required(*SUPERVISOR_ROLES)
def hotspot_detail(request, pk: int):
    hotspot = get_object_or_404(hotspot_list_for_user(request.user, live_only=False), pk=pk)
    return render(
        request,
        "pages/hotspot_detail.html",
        {"h": hotspot, "tickets": hotspot_tickets(request.user, hotspot)},
    )


@role_required(*SUPERVISOR_ROLES)
@require_POST
def hotspot_act(request, pk: int, action: str):
    hotspot = get_object_or_404(hotspot_list_for_user(request.user, live_only=False), pk=pk)
    try:
        if action == "merge":
            lead = request.POST.get("lead_ticket") or None
            if lead is not None and not lead.isdigit():
                raise ApplicationError("主工单无效", code="invalid")
            _, merged = hotspot_merge(hotspot=hotspot, by=request.user, lead_ticket=int(lead) if lead else None)
            messages.success(request, f"已并单 {merged} 件，来电人均保留在主工单上")
        elif action == "proactive":
            ticket = hotspot_open_proactive(hotspot=hotspot, by=request.user, note=request.POST.get("note", "")[:500])
            messages.success(request, f"已派发主动治理工单 {ticket.number}")
        else:
            raise PermissionDenied("未知操作")
    except ApplicationError as exc:
        report_error(request, exc)
    return redirect("pages:hotspot_detail", pk=hotspot.pk)


def _month(value: str | None) -> datetime.date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@role_required(*SUPERVISOR_ROLES)
def monthly(request):
    """每月一题: the most frequent matters per district (or street) this month, with the trend."""
    month = _month(request.GET.get("month"))
    level = "street" if request.GET.get("level") == "street" else "district"
    topics = monthly_topics(request.user, month=month, level=level)
    if wants_csv(request):
        return csv_response(
            filename=f"monthly-topics-{month:%Y%m}-{level}",
            columns=[
                ("月份", lambda t: f"{month:%Y-%m}"),
                ("区县" if level == "district" else "街道", lambda t: t.region.name),
                ("排名", lambda t: t.rank),
                ("事项类别", lambda t: t.category_name),
                ("本月件数", lambda t: t.count),
                ("上月件数", lambda t: t.previous),
                ("环比", lambda t: t.trend_label),
            ],
            rows=topics,
        )
    prev = (month - datetime.timedelta(days=1)).replace(day=1)
    nxt = (month + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "pages/monthly_topics.html",
        {
            "topics": topics,
            "month": month,
            "level": level,
            "prev": prev,
            "next": nxt if nxt <= timezone.localdate() else None,
            "names": dict(DispatchCatalogue.objects.values_list("category_code", "category_name")),
        },
    )
