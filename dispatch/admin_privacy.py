"""Admin for the personal data lifecycle: the anonymisation runs and caller requests (read-only records),
and two actions on the ticket list — export or erase the data of the callers of the selected tickets,
as a caller asks (个人信息保护法). Only superusers and the 系统管理员 role may run them; each is recorded."""

import json

from django.contrib import admin, messages
from django.http import HttpResponse

from common.admin import ReadOnlyAdmin
from dispatch.models import CallerDataRequest, PiiAnonymisationRun
from dispatch.services.privacy import caller_data_erase, caller_data_export
from governance import roles


@admin.register(PiiAnonymisationRun)
class PiiAnonymisationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "retention_days", "cutoff", "tickets", "callers"]
    date_hierarchy = "started_at"


@admin.register(CallerDataRequest)
class CallerDataRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "phone_masked", "requested_by", "note", "tickets"]
    list_filter = ["kind"]
    list_select_related = ["requested_by"]


def may_handle_caller_data(request) -> bool:
    return request.user.is_superuser or roles.ADMIN in roles.user_roles(request.user)


def _phones(queryset) -> list[str]:
    return sorted({p for p in queryset.values_list("caller_phone", flat=True) if p})


@admin.action(description="导出所选工单来电人的个人信息（JSON）", permissions=["caller_data"])
def export_caller_data(modeladmin, request, queryset):
    body = [caller_data_export(phone=p, by=request.user, note="后台导出") for p in _phones(queryset)]
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="caller-data.json"'
    return response


@admin.action(description="删除所选工单来电人的个人信息（不可恢复）", permissions=["caller_data"])
def erase_caller_data(modeladmin, request, queryset):
    done = [caller_data_erase(phone=p, by=request.user, note="后台删除") for p in _phones(queryset)]
    count = sum(len(r.tickets) for r in done)
    modeladmin.message_user(request, f"已删除 {len(done)} 位来电人在 {count} 件工单中的个人信息", messages.SUCCESS)
