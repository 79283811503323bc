"""督办/指挥中心 and the hotline centre's review work: the four queues, the city operating mode, the
classifier's model versions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from classifier import services as clf
from classifier.candidates import comparisons_recent
from classifier.selectors import model_rollback_target, model_version_list
from common.errors import ApplicationError
from common.pagination import bounded_count_label
from dispatch import selectors, services
from dispatch.models import CityMode
from dispatch.pages.exports import csv_response, wants_csv
from dispatch.pages.filters import TicketFilterForm
from dispatch.pages.forms import CityModeForm
from dispatch.pages.views.common import QUEUE_ROLES, SUPERVISOR_ROLES, paginate, query_without_page, role_required
from dispatch.pages.views.tickets import apply_filters, ticket_columns
from governance.selectors import category_choices

QUEUES = {
    "return": ("派单异议审核", selectors.return_review_queue, "退单待审：同意并改派，或驳回退回原单位"),
    "extension": ("延期申请", selectors.extension_queue, "承办单位申请延期，待审批"),
    "reply": ("答复审核", selectors.reply_review_queue, "已答复待审核：通过进入回访，或退回重新办理"),
    "callback": ("待回访", selectors.callback_queue, "审核通过的工单，回访市民满意度"),
}


@role_required(*QUEUE_ROLES)
def queues(request):
    key = request.GET.get("queue", "return")
    if key not in QUEUES:
        key = "return"
    title, selector, help_text = QUEUES[key]
    categories = category_choices()
    form = TicketFilterForm(request.GET or None, categories=categories)
    queryset = apply_filters(selector(request.user), form)
    if wants_csv(request):
        return csv_response(filename=f"queue-{key}", columns=ticket_columns(request.user), rows=queryset.iterator())
    counts = {k: bounded_count_label(q[1](request.user)) for k, q in QUEUES.items()}
    tabs = [{"key": k, "label": q[0], "count": counts[k], "on": k == key} for k, q in QUEUES.items()]
    return render(
        request,
        "pages/queues.html",
        {
            "tabs": tabs,
            "key": key,
            "title": title,
            "help_text": help_text,
            "form": form,
            "page": paginate(request, queryset),
            "query": query_without_page(request),
            "category_names": dict(categories),
            "callers": selectors.caller_view(request.user),
        },
    )


@role_required(*SUPERVISOR_ROLES)
def city_mode(request):
    current = services.current_city_mode()
    form = CityModeForm(request.POST or None, initial={"mode": current.mode if current else CityMode.Mode.DAILY})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                switch = services.city_mode_switch(
                    by=request.user, mode=form.cleaned_data["mode"], reason=form.cleaned_data["reason"]
                )
            except PermissionDenied:
                raise
            except ApplicationError as exc:
                field = (exc.extra or {}).get("field")
                form.add_error(field if field in form.fields else None, exc.message)
                status = 400
            else:
                messages.success(request, f"城市运行模式已切换为“{switch.get_mode_display()}”，已记录。")
                return redirect("pages:city_mode")
        else:
            status = 400
    history = selectors.city_mode_history()
    if wants_csv(request):
        return csv_response(
            filename="city-mode",
            columns=[
                ("时间", lambda m: m.switched_at),
                ("模式", lambda m: m.get_mode_display()),
                ("时限系数", lambda m: m.scale),
                ("优先级提升", lambda m: m.priority_boost),
                ("切换人", lambda m: m.switched_by.get_username() if m.switched_by else ""),
                ("原因", lambda m: m.reason),
            ],
            rows=history.iterator(),
        )
    return render(
        request,
        "pages/city_mode.html",
        {
            "form": form,
            "current": current,
            "history": history[:50],
            "calendar_warning": selectors.work_calendar_warning(),
        },
        status=status,
    )


@role_required(*SUPERVISOR_ROLES)
def models(request):
    versions = list(model_version_list())
    if wants_csv(request):
        return csv_response(
            filename="model-versions",
            columns=[
                ("版本", lambda v: v.version),
                ("启用", lambda v: "是" if v.is_active else ""),
                ("训练时间", lambda v: v.created_at),
                ("准确率", lambda v: _score(v, "accuracy")),
                ("宏F1", lambda v: _score(v, "macro_f1")),
                ("Top-3", lambda v: _score(v, "top3_accuracy")),
            ],
            rows=versions,
        )
    rows = [
        {
            "v": v,
            "accuracy": _score(v, "accuracy"),
            "macro_f1": _score(v, "macro_f1"),
            "top3": _score(v, "top3_accuracy"),
            "auto_coverage": _score(v, "auto_coverage"),
            "auto_accuracy": _score(v, "auto_accuracy"),
        }
        for v in versions
    ]
    context = {"rows": rows, "comparisons": comparisons_recent(), "rollback_to": model_rollback_target()}
    return render(request, "pages/models.html", context)


def _score(version, name):
    """A score of a version: the model's own property when it has one, else from its `scores` JSON
    (grouped cross-validation first, as the classifier reports it)."""
    value = getattr(type(version), name, None)
    if isinstance(value, property):
        return getattr(version, name)
    scores = getattr(version, "scores", None) or {}
    for section in (scores.get("cv_grouped"), scores.get("cv"), scores):
        if isinstance(section, dict) and isinstance(section.get(name), int | float):
            return section[name]
    return None


@require_POST
@role_required(*SUPERVISOR_ROLES)
def model_action(request):
    action = request.POST.get("action")
    try:
        if action == "activate":
            version = request.POST.get("version", "")
            clf.model_activate(version=version, by=request.user)
            messages.success(request, f"已启用模型 {version}")
        elif action == "rollback":
            restored = clf.model_rollback(by=request.user)
            messages.success(request, f"已回滚，当前启用 {getattr(restored, 'version', restored)}")
        else:
            messages.error(request, "未知操作")
    except ApplicationError as exc:
        messages.error(request, f"操作未执行：{exc.message}")
    except Exception as exc:  # the registry raises its own errors (missing artifact, version mismatch)
        messages.error(request, f"操作未执行：{exc}")
    return redirect("pages:models")
