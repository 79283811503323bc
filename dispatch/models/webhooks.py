"""Outbound webhooks: who subscribes to which ticket events, and the log of every delivery."""

from django.db import models
from django.db.models import Q


class WebhookSubscription(models.Model):
    """A receiver of ticket events (a provincial platform, an SMS gateway …), edited in the admin.

    Each delivery is signed with `secret` (HMAC-SHA256 over the timestamp and the body). An empty
    `events` list means every event."""

    name = models.CharField("名称", max_length=64, unique=True)
    url = models.URLField("接收地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=128)
    events = models.JSONField(
        "订阅事件", default=list, blank=True, help_text='事件名列表，如 ["created", "signed"]；留空为全部事件'
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "Webhook 订阅"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def wants(self, action: str) -> bool:
        return not self.events or action in self.events


class WebhookDelivery(models.Model):
    """One event for one subscription: written in the transaction that wrote the event (so a lost
    broker message loses no delivery), then attempted by a Celery task until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "已放弃"

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name="订阅", on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.ForeignKey(
        "dispatch.TicketEvent", verbose_name="事件", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    body = models.TextField("请求体", blank=True, help_text="首次发送时生成，重试时原样发送")
    response_status = models.PositiveSmallIntegerField("响应状态码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    log = models.JSONField("发送记录", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Webhook 发送记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            # The sweep that re-enqueues due deliveries (a lost message, a worker that died mid-attempt).
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due", condition=Q(status="pending")),
        ]

    def __str__(self):
        return f"{self.subscription_id}: {self.event_id} ({self.status})"
