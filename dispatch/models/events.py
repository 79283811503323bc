"""The append-only history of a ticket, the record of who read a caller's phone, notifications and who read them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common.models import optional_ref


class AppendOnlyError(Exception):
    """An attempt to edit or delete a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted")


def event_choices() -> list[tuple[str, str]]:
    """The event actions, derived from the transition table (read when Django needs them: the table
    imports the models, so it cannot be imported here at load time)."""
    from dispatch.workflow import EVENT_CHOICES

    return EVENT_CHOICES


class TicketEvent(models.Model):
    """One thing that happened to a ticket. Written in the transaction that changed the ticket;
    never edited or deleted — the timeline is read from these rows."""

    # Covered by the (ticket, created_at) index.
    ticket = models.ForeignKey("dispatch.Ticket", on_delete=models.PROTECT, related_name="events", db_index=False)
    action = models.CharField("动作", max_length=32, choices=event_choices)
    from_status = models.CharField("原状态", max_length=24, blank=True)
    to_status = models.CharField("新状态", max_length=24, blank=True)
    actor = optional_ref(settings.AUTH_USER_MODEL, "操作人")
    actor_label = models.CharField("操作人/单位", max_length=64, blank=True)
    reason = models.TextField("原因/说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工单流转记录"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"]), models.Index(fields=["action", "created_at"])]

    def __str__(self):
        return f"{self.ticket_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("TicketEvent rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("TicketEvent rows are never deleted")


class PhoneAccessLog(models.Model):
    """Every read of a caller's full phone number (personal data): who, which ticket, when, why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey("dispatch.Ticket", on_delete=models.PROTECT, related_name="phone_reads")
    purpose = models.CharField("用途", max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "号码查看记录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.ticket_id} {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message users read in the product. Addressed to a user, to a department (any of its staff),
    or to the supervisors of a region (and of its ancestors)."""

    class Kind(models.TextChoices):
        DISPATCHED = "dispatched", "新派单"
        GRID = "grid", "网格通知"
        YELLOW = "yellow", "黄灯预警"
        RED = "red", "红灯超期"
        URGE = "urge", "催办"
        SUPERVISE = "supervise", "督办"
        RETURNED = "returned", "退单"
        SENT_BACK = "sent_back", "答复退回"
        REOPENED = "reopened", "重办"
        WHISTLE = "whistle", "吹哨报到"
        EXTENSION = "extension", "延期"
        CALENDAR = "calendar", "节假日未录入"
        DUPLICATE = "duplicate", "疑似重复"
        HOTSPOT = "hotspot", "集中诉求预警"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    ticket = models.ForeignKey(
        "dispatch.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    user = optional_ref(settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE)
    department = optional_ref("governance.Department", related_name="notifications", on_delete=models.CASCADE)
    region = optional_ref("governance.Region", related_name="notifications", on_delete=models.CASCADE)
    message = models.CharField("内容", max_length=255)
    # What the message summarises, e.g. the sweep's one line per department: {"count": n, "tickets": [numbers]}.
    data = models.JSONField("数据", default=dict, blank=True)
    # Makes "tell once" notifications (e.g. next year's holidays missing) idempotent.
    dedupe_key = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("外发时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], name="notification_dedupe_key", condition=Q(dedupe_key__isnull=False)
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["department", "-created_at"], name="notification_dept_recent"),
            models.Index(fields=["region", "-created_at"], name="notification_region_recent"),
        ]

    def __str__(self):
        return self.message


class NotificationRead(models.Model):
    """That one person has read one notification. Read state is per person, also for what is addressed to
    a unit or a region: a colleague having read the unit's 新派单 does not make it read for you."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("已读时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "通知已读"
        constraints = [models.UniqueConstraint(fields=["notification", "user"], name="notification_read_once")]

    def __str__(self):
        return f"{self.user} read {self.notification_id}"
