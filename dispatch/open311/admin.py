"""Admin pages for Open311 clients: keys are made here (the key is shown once) or with
`manage.py open311_key NAME`, revoked with an action; the requests each key filed are read-only."""

from django.contrib import admin, messages

from common.admin import ReadOnlyAdmin
from common.errors import ApplicationError
from dispatch.models import Open311ApiKey, Open311Request
from dispatch.open311.services import open311_key_create, open311_key_revoke


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return (
            ("name", "note") if obj is None else ("name", "note", "prefix", "created_at", "last_used_at", "revoked_at")
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("name", "prefix", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        try:
            key, raw = open311_key_create(name=obj.name, note=obj.note)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return
        obj.pk, obj._state.adding = key.pk, False
        messages.warning(request, f"{key.name} 的 API 密钥（只显示这一次，请立即交给客户端）：{raw}")

    def has_delete_permission(self, request, obj=None):
        return False  # the requests a key filed keep pointing at it: revoke instead

    @admin.action(description="吊销所选密钥")
    def revoke(self, request, queryset):
        for key in queryset:
            open311_key_revoke(key=key)
        messages.success(request, f"已吊销 {queryset.count()} 个密钥")


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "api_key", "service_code", "created_at")
    list_filter = ("api_key",)
    search_fields = ("ticket__number", "token")
    list_select_related = ("ticket", "api_key")
