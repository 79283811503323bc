"""The models page's candidate versions: train one from confirmed corrections, promote a kept one by choice."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from classifier import candidates
from classifier.models import ModelComparison
from common.errors import ApplicationError
from dispatch.pages.views.common import SUPERVISOR_ROLES, role_required
from dispatch.services.core import enqueue_after_commit


@require_POST
@role_required(*SUPERVISOR_ROLES)
def candidate_action(request):
    action = request.POST.get("action")
    if action == "train":
        # training takes half a minute or more: the worker does it, the page shows the result when done
        with transaction.atomic():
            enqueue_after_commit("classifier.train_candidate", request.user.pk, ModelComparison.Trigger.SUPERVISOR)
        messages.success(request, "已提交候选版本训练：完成后在下方对比表中显示结果")
    elif action == "promote":
        comparison = get_object_or_404(ModelComparison, pk=request.POST.get("comparison"))
        try:
            candidates.candidate_promote(comparison=comparison, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"已按主管决定启用候选版本 {comparison.candidate.version}")
        except ApplicationError as exc:
            messages.error(request, f"操作未执行：{exc.message}")
    else:
        messages.error(request, "未知操作")
    return redirect("pages:models")
