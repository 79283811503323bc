"""派单员: the human dispatch queue — waiting time and 派单时限 per row, filters, pages, one-click
dispatch of a suggestion and 批量派单."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from common.inputs import is_id
from dispatch import selectors, services
from dispatch.pages.exports import csv_response, wants_csv
from dispatch.pages.filters import QueueFilterForm
from dispatch.pages.forms import BatchDispatchForm
from dispatch.pages.templatetags import duration
from dispatch.pages.views.common import paginate, query_without_page, report_error, role_required
from dispatch.pages.views.tickets import ticket_columns
from dispatch.selectors.queue import (
    QueueFilter,
    dispatch_clock,
    dispatch_limit,
    dispatch_queue_filter,
    queue_waiting_choices,
)
from governance import roles
from governance.selectors import category_choices

DISPATCH_ROLES = (roles.OPERATOR, roles.DISPATCHER, roles.SUPERVISOR, roles.ADMIN)


@role_required(*DISPATCH_ROLES)
def dispatch_queue(request):
    """待人工派单: waiting time and 派单时限 per row, filters, pages of 20, 批量派单 of the ticked rows."""
    categories = category_choices()
    form = QueueFilterForm(request.GET or None, categories=categories, waiting=queue_waiting_choices())
    queryset = selectors.human_dispatch_queue(request.user)
    if form.is_valid():
        data = form.cleaned_data
        flt = QueueFilter(
            district=data["district"].code if data["district"] else "",
            street=data["street"].code if data["street"] else "",
            category=data["category"],
            channel=data["channel"],
            waiting=data["waiting"],
        )
        queryset = dispatch_queue_filter(queryset, flt)
    if wants_csv(request):
        return csv_response(filename="dispatch-queue", columns=ticket_columns(request.user), rows=queryset.iterator())
    page = paginate(request, queryset, size=20)
    rows = selectors.human_dispatch_options(page)
    now = timezone.now()
    for row in rows:
        row["clock"] = dispatch_clock(row["ticket"], now)
    return render(
        request,
        "pages/dispatch_queue.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "batch": BatchDispatchForm(categories=categories),
            "categories": categories,
            "query": query_without_page(request),
            "limits": {"normal": duration(dispatch_limit("normal")), "urgent": duration(dispatch_limit("emergency"))},
        },
    )


@require_POST
@role_required(*DISPATCH_ROLES)
def dispatch_batch(request):
    """批量派单: one service call per ticket (services.tickets_dispatch_batch); the page says what went
    and, for each ticket that did not, why."""
    form = BatchDispatchForm(request.POST, categories=category_choices())
    back = redirect(f"{reverse('pages:dispatch_queue')}?{request.POST.get('query', '')}")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"批量派单未执行：{errors[0]}")
        return back
    versions = form.versions()
    tickets = list(selectors.human_dispatch_queue(request.user).filter(pk__in=list(versions)))
    gone = len(versions) - len(tickets)
    if gone:
        messages.warning(request, f"{gone} 件已不在待派队列（可能已被他人派出），未重复派单")
    try:
        result = services.tickets_dispatch_batch(
            tickets=tickets,
            by=request.user,
            department=form.cleaned_data["department"],
            category_code=form.cleaned_data["category_code"],
            versions=form.versions(),
        )
    except ApplicationError as exc:
        report_error(request, exc)
        return back
    unit = form.cleaned_data["department"].name
    if result.dispatched:
        numbers = "、".join(t.number for t in result.dispatched)
        messages.success(request, f"批量派单：{len(result.dispatched)} 件已派至 {unit}（{numbers}）")
    for ticket, why in result.conflicts:
        messages.warning(request, f"{ticket.number} 未派出：{why}（已被他人处理或更新，请刷新后查看）")
    for ticket, why in result.refused:
        messages.error(request, f"{ticket.number} 未派出：{why}")
    return back


@require_POST
@role_required(*DISPATCH_ROLES)
def dispatch_one(request, pk: int):
    ticket = get_object_or_404(selectors.human_dispatch_queue(request.user), pk=pk)
    department = request.POST.get("department") or ""
    category = request.POST.get("category_code") or ""
    if category and category not in dict(category_choices()):
        messages.error(request, "未知的事项类别")
        return redirect("pages:dispatch_queue")
    if not is_id(department):
        messages.error(request, f"工单 {ticket.number}：请选择主办单位")
        return redirect("pages:dispatch_queue")
    try:
        services.ticket_dispatch(
            ticket=ticket,
            by=request.user,
            department=int(department),
            category_code=category,
            item=request.POST.get("item") or None,
        )
    except PermissionDenied:
        messages.error(request, "您无权派发此工单")
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, f"工单 {ticket.number} 已派发至 {ticket.lead_department.name}")
    return redirect("pages:dispatch_queue")
