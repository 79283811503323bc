"""集中诉求预警: a hotspot (many calls about one matter in one place) and the tickets that belong to it."""

from django.db import models
from django.db.models import Q

from common.models import optional_ref


class Hotspot(models.Model):
    """A surge found by the detection pass (services/hotspots.py). New tickets about the same matter
    join it while it is open; it closes by itself after a quiet spell, or is handled from the page by
    并单 (its tickets merged under one lead ticket) or 未诉先办 (a proactive ticket to the unit)."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", "相似诉求聚集"
        SPIKE = "spike", "类别量突增"

    class Status(models.TextChoices):
        OPEN = "open", "预警中"
        MERGED = "merged", "已并单"
        PROACTIVE = "proactive", "已主动治理"
        CLOSED = "closed", "已结束"

    # Still taking new tickets (handled ones too: later callers are answered by the same handling).
    LIVE_STATUSES = (Status.OPEN, Status.MERGED, Status.PROACTIVE)

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    level = models.CharField("范围", max_length=16)  # community / street / district / city
    region = models.ForeignKey(
        "governance.Region", verbose_name="地点", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    district = models.ForeignKey(
        "governance.Region", verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category_code = models.CharField("事项类别", max_length=64, blank=True)
    first_at = models.DateTimeField("首件时间")
    last_at = models.DateTimeField("最近一件时间")
    detected_at = models.DateTimeField("预警时间")
    ticket_count = models.PositiveIntegerField("工单数", default=0)
    score = models.FloatField("强度", default=0)
    expected = models.FloatField("基线期望", null=True, blank=True)
    summary = models.CharField("摘要", max_length=200)
    keywords = models.JSONField("关键词", default=list, blank=True)
    lead_department = optional_ref("governance.Department", "责任单位")
    lead_ticket = optional_ref("dispatch.Ticket", "并单主工单")
    proactive_ticket = optional_ref("dispatch.Ticket", "主动治理工单")
    tickets = models.ManyToManyField("dispatch.Ticket", through="HotspotTicket", related_name="hotspots")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "集中诉求预警"
        ordering = ["-detected_at", "-id"]
        indexes = [
            models.Index(fields=["last_at"], name="hotspot_live", condition=~Q(status="closed")),
            models.Index(fields=["region", "-detected_at"], name="hotspot_region_recent"),
        ]

    def __str__(self):
        return self.summary

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


class HotspotTicket(models.Model):
    """A ticket of a hotspot, and when it joined (the first ones raised the alert)."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    ticket = models.ForeignKey("dispatch.Ticket", on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField("加入时间")

    class Meta:
        verbose_name = verbose_name_plural = "预警工单"
        constraints = [models.UniqueConstraint(fields=["hotspot", "ticket"], name="hotspot_ticket_once")]
        indexes = [models.Index(fields=["ticket"], name="hotspot_ticket_ticket")]

    def __str__(self):
        return f"{self.hotspot_id}: {self.ticket_id}"


class HotspotScan(models.Model):
    """One row: locked by each detection pass so that the beat and `manage.py detect_hotspots` never run
    a pass side by side (two passes would both raise the same new surge)."""

    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警扫描"

    def __str__(self):
        return f"scan {self.last_run_at}"
