from django.contrib import admin, messages

from classifier.models import ModelVersion
from classifier.services import model_activate, model_rollback
from common.errors import ApplicationError


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "is_active", "created_at", "n_examples", "accuracy_display", "macro_f1_display"]
    list_filter = ["is_active"]
    search_fields = ["version"]
    actions = ["activate_selected", "rollback"]
    # Trained rows are a record of what ran: only the activation fields change, through the actions.
    readonly_fields = [f.name for f in ModelVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="准确率 (CV)")
    def accuracy_display(self, obj):
        return f"{obj.accuracy:.4f}" if obj.accuracy is not None else "-"

    @admin.display(description="宏F1 (CV)")
    def macro_f1_display(self, obj):
        return f"{obj.macro_f1:.4f}" if obj.macro_f1 is not None else "-"

    @admin.action(description="启用所选模型版本 (只能选一个)")
    def activate_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个版本", level=messages.ERROR)
            return
        try:
            version = model_activate(version=queryset.get(), by=request.user)
        except ApplicationError as exc:
            self.message_user(request, f"未启用: {exc.message}", level=messages.ERROR)
            return
        self.message_user(request, f"已启用 {version.version}", level=messages.SUCCESS)

    @admin.action(description="回滚到上一个版本 (忽略所选)")
    def rollback(self, request, queryset):
        try:
            version = model_rollback(by=request.user)
        except ApplicationError as exc:
            self.message_user(request, f"未回滚: {exc.message}", level=messages.ERROR)
            return
        self.message_user(request, f"已回滚, 当前启用 {version.version}", level=messages.SUCCESS)
