"""Worklists, the ticket list and the ticket page with its action forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.errors import ApplicationError
from dispatch import selectors, services
from dispatch.actors import actor_for
from dispatch.models import Ticket, TicketPhoto
from dispatch.pages import actions
from dispatch.pages.exports import csv_response, wants_csv
from dispatch.pages.filters import TicketFilterForm
from dispatch.pages.views.common import (
    CENTRE_ROLES,
    HANDLER_ROLES,
    paginate,
    query_without_page,
    report_error,
    role_required,
)
from dispatch.workflow import MOVES
from governance.selectors import category_choices


def ticket_columns(user):
    callers = selectors.caller_view(user)
    return [
        ("工单编号", lambda t: t.number),
        ("受理时间", lambda t: t.created_at),
        ("状态", lambda t: t.get_status_display()),
        ("时限灯", lambda t: t.get_sla_light_display()),
        ("当前时限", lambda t: t.sla_due),
        ("紧急程度", lambda t: t.get_urgency_display()),
        ("类别", lambda t: t.category_code),
        ("区县", lambda t: t.district.name if t.district else ""),
        ("街道", lambda t: t.street.name if t.street else ""),
        ("社区", lambda t: t.community.name if t.community else ""),
        ("网格", lambda t: t.grid.name if t.grid else ""),
        ("主办单位", lambda t: t.lead_department.name if t.lead_department else ""),
        ("来电人", callers.name),
        ("来电号码", callers.phone),
        ("地址", lambda t: t.address),
        ("诉求内容", callers.content),
    ]


def apply_filters(queryset, form: TicketFilterForm):
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("q"):
        q = data["q"].strip()
        queryset = queryset.filter(Q(number=q.upper()) | Q(content__icontains=q) | Q(address__icontains=q))
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("light"):
        queryset = queryset.filter(sla_light=data["light"])
    if data.get("urgency"):
        queryset = queryset.filter(urgency=data["urgency"])
    if data.get("category"):
        queryset = queryset.filter(category_code=data["category"])
    return queryset


def _list_page(request, *, queryset, title: str, template: str, filename: str, extra=None):
    categories = category_choices()
    form = TicketFilterForm(request.GET or None, categories=categories)
    queryset = apply_filters(queryset, form)
    if wants_csv(request):
        return csv_response(filename=filename, columns=ticket_columns(request.user), rows=queryset.iterator())
    context = {
        "title": title,
        "form": form,
        "page": paginate(request, queryset),
        "query": query_without_page(request),
        "category_names": dict(categories),
        "callers": selectors.caller_view(request.user),
        **(extra or {}),
    }
    return render(request, template, context)


@role_required(*HANDLER_ROLES)
def worklist(request):
    """网格员/承办单位: open tickets they hold, red first, then yellow, then nearest deadline."""
    return _list_page(
        request,
        queryset=selectors.worklist_for_user(request.user),
        title="我的工单",
        template="pages/worklist.html",
        filename="worklist",
    )


@role_required(*CENTRE_ROLES)
def ticket_list(request):
    return _list_page(
        request,
        queryset=selectors.ticket_list_for_user(request.user),
        title="工单查询",
        template="pages/ticket_list.html",
        filename="tickets",
    )


@login_required
def ticket_detail(request, pk: int):
    ticket = selectors.ticket_get_for_user(request.user, pk)
    allowed = selectors.allowed_actions(request.user, ticket)
    forms = actions.forms_for(ticket=ticket, allowed=allowed, categories=category_choices())
    return _render_detail(request, ticket, allowed, forms)


@login_required
def ticket_progress(request, pk: int):
    """Polled by the ticket page while routing runs (htmx, every 2 s): the waiting note until the
    ticket leaves 已受理, then a full refresh so 派单信息 and the buttons show the result."""
    ticket = selectors.ticket_get_for_user(request.user, pk)
    if ticket.status != Ticket.Status.RECEIVED:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "pages/_routing_progress.html", {"ticket": ticket})


@require_POST
@login_required
def ticket_phone(request, pk: int):
    """拨打: the caller's full number(s) for a call back, revealed through the service that records every
    reveal (as the API's reveal-phone does), shown with tel: links."""
    ticket = selectors.ticket_get_for_user(request.user, pk)
    purpose = (request.POST.get("purpose") or "回访").strip()[:200]
    try:
        numbers = services.ticket_reveal_phone(
            ticket=ticket, by=request.user, purpose=purpose, ip=request.META.get("REMOTE_ADDR")
        )
    except PermissionDenied:
        return HttpResponse('<span class="muted">您无权查看完整号码</span>', status=403)
    return render(request, "pages/_phone_revealed.html", {"numbers": numbers})


def _render_detail(request, ticket, allowed, forms, status=200):
    callers = selectors.caller_view(request.user)
    categories = dict(category_choices())
    top3 = [
        {**s, "label": categories.get(s.get("code") or s.get("category_code"), s.get("code", ""))}
        for s in (ticket.ai_top3 or [])
        if isinstance(s, dict)
    ]
    context = {
        "ticket": ticket,
        "timeline": timeline_rows(ticket),
        "actions_meta": actions.ACTIONS,
        "assists": ticket.assists.select_related("department"),
        "extra_callers": callers.extra_callers(ticket),
        "caller_name": callers.name(ticket),
        "caller_phone": callers.phone(ticket),
        "content": callers.content(ticket),
        "may_reveal": bool(ticket.caller_phone) and selectors.may_reveal_phone(request.user, ticket),
        "allowed": allowed,
        "action_forms": forms,
        "top3": top3,
        "category_label": categories.get(ticket.category_code, ticket.category_code),
        "ai_category_label": categories.get(ticket.ai_category, ticket.ai_category),
        "show_model_figures": selectors.may_see_model_figures(request.user),
        "photo_groups": photo_groups(ticket),
    }
    return render(request, "pages/ticket_detail.html", context, status=status)


@require_POST
@login_required
def ticket_act(request, pk: int, action: str):
    """Run one move from the ticket page. The button was shown from allowed_actions; the service checks
    again (someone may have moved the ticket meanwhile) and its refusal shows as a message."""
    ticket = selectors.ticket_get_for_user(request.user, pk)
    if action not in actions.ACTIONS:
        raise Http404("未知操作")
    allowed = selectors.allowed_actions(request.user, ticket)
    form = actions.bound_form(action, request, ticket=ticket, categories=category_choices())
    if form is not None and not form.is_valid():
        forms = actions.forms_for(ticket=ticket, allowed=allowed, categories=category_choices())
        forms[action] = form
        messages.error(request, "请按提示修改后再提交。")
        return _render_detail(request, ticket, allowed, forms, status=400)
    try:
        done = actions.perform(action, ticket=ticket, by=request.user, data=form.cleaned_data if form else {})
    except PermissionDenied:
        messages.error(request, "操作未执行：您无权进行此操作。")
    except ApplicationError as exc:
        field = exc.extra.get("field") if exc.extra else None
        if form is not None and field in form.fields:
            form.add_error(field, exc.message)
            forms = actions.forms_for(ticket=ticket, allowed=allowed, categories=category_choices())
            forms[action] = form
            return _render_detail(request, ticket, allowed, forms, status=400)
        report_error(request, exc)
    else:
        messages.success(request, f"{actions.ACTIONS[action].label}成功：{done.number}")
    if selectors.can_view(request.user, ticket):
        return redirect("pages:ticket_detail", pk=ticket.pk)
    return redirect("pages:home")


def photo_groups(ticket) -> list[dict]:
    """The ticket's photos by kind (巡查照片, 处置前, 处置后), each with its protected address."""
    groups: dict = {}
    for p in ticket.photos.all():
        groups.setdefault(p.kind, {"label": p.get_kind_display(), "kind": p.kind, "photos": []})["photos"].append(p)
    order = list(TicketPhoto.Kind.values)
    return sorted(groups.values(), key=lambda g: order.index(g["kind"]))


EVENT_LABELS = {
    "created": "受理",
    "phone_revealed": "查看号码",
    "sla_yellow": "黄灯预警",
    "sla_red": "红灯超期",
    "merge_received": "并入来电",
    **{move.event: move.label for move in MOVES.values()},
}
STATUS_LABELS = dict(Ticket.Status.choices)


def timeline_rows(ticket):
    """The ticket's events with Chinese labels for the action and the new status, and who acted by
    name and unit (events written before labels carried names show the account's current ones)."""
    labels: dict[int, str] = {}

    def actor(e):
        if e.actor_id is None or e.actor_label != e.actor.get_username():
            return e.actor_label or "系统"
        if e.actor_id not in labels:
            labels[e.actor_id] = actor_for(e.actor).label
        return labels[e.actor_id]

    return [
        {
            "label": EVENT_LABELS.get(e.action, e.action),
            "actor": actor(e),
            "created_at": e.created_at,
            "to_status": STATUS_LABELS.get(e.to_status, "") if e.to_status != e.from_status else "",
            "reason": e.reason,
        }
        for e in selectors.ticket_timeline(ticket)
    ]
