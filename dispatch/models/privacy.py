"""Personal data lifecycle (个人信息保护法): the anonymisation runs, and the export/erasure requests of one
caller. Both are the record an auditor reads; neither holds the caller's data (phones are masked)."""

from django.conf import settings
from django.db import models


class PiiAnonymisationRun(models.Model):
    """One run of the retention sweep: callers of tickets closed before `cutoff` were anonymised."""

    started_at = models.DateTimeField("开始时间", db_index=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    retention_days = models.PositiveIntegerField("保留天数")
    cutoff = models.DateTimeField("办结早于")
    tickets = models.PositiveIntegerField("匿名化工单数", default=0)
    callers = models.PositiveIntegerField("匿名化并单来电人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息匿名化记录"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.tickets}"


class CallerDataRequest(models.Model):
    """A caller's request to export or erase their data, as carried out: who did it, when, which tickets."""

    class Kind(models.TextChoices):
        EXPORT = "export", "导出"
        ERASE = "erase", "删除"

    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    phone_masked = models.CharField("来电号码（脱敏）", max_length=20)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    tickets = models.JSONField("涉及工单", default=list, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息查询/删除请求"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.phone_masked}"
