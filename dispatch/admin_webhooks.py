"""Admin pages for outbound webhooks: subscriptions are edited here; the delivery log is read-only,
with an action to send chosen deliveries again."""

import secrets

from django import forms
from django.contrib import admin, messages

from common.admin import ReadOnlyAdmin
from dispatch.models import WebhookDelivery, WebhookSubscription
from dispatch.services.webhooks import webhook_redeliver


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "secret", "events", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("secret", secrets.token_hex(32))

    def clean_events(self):
        events = self.cleaned_data.get("events") or []
        if not isinstance(events, list) or not all(isinstance(e, str) and e for e in events):
            raise forms.ValidationError('应为事件名列表，如 ["created", "signed"]')
        return events


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("name", "url", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url")

    def has_delete_permission(self, request, obj=None):
        return False  # the delivery log belongs to it: deactivate instead


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "subscription",
        "event_action",
        "ticket_number",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "subscription")
    search_fields = ("event__ticket__number",)
    list_select_related = ("subscription", "event__ticket")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    @admin.display(description="事件")
    def event_action(self, obj):
        return obj.event.action

    @admin.display(description="工单")
    def ticket_number(self, obj):
        return obj.event.ticket.number

    @admin.action(description="重新发送所选记录")
    def redeliver(self, request, queryset):
        messages.success(request, f"已重新排队 {webhook_redeliver(deliveries=list(queryset))} 条")
