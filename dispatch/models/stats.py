"""Dashboard roll-ups: daily ticket counts per place × category × department, with outcome flags.

The supervisor dashboard reads these instead of the ticket table, so a year of Zhengzhou-scale data
(3.6 million tickets) aggregates from roll-up rows: DailyTicketStat (~1 million rows a year at that
scale) for short periods and streets, MonthlyTicketStat (~55 thousand) for the full months of long
periods, DailyDistrictVolume (~40 thousand) for the city/district volume curve. They are derived data: the periodic
task "dispatch.stats_rollup" applies what the tickets touched since its last run changed (through each
ticket's TicketStatSnapshot), and whole days are recomputed from Ticket on a first run or a repair.
"""

from django.db import models


class StatCounts(models.Model):
    """Ticket counts with outcome flags (what each counts: dispatch.services.stats.FLAGS)."""

    total = models.PositiveIntegerField("受理量", default=0)
    closed_at_intake = models.PositiveIntegerField("即办", default=0)
    merged = models.PositiveIntegerField("并单", default=0)
    dispatched = models.PositiveIntegerField("已派单", default=0)
    ai_dispatched = models.PositiveIntegerField("智能派单", default=0)
    ai_correct = models.PositiveIntegerField("智能派单准确", default=0)
    stayed = models.PositiveIntegerField("未改派", default=0)
    returned = models.PositiveIntegerField("有退单", default=0)
    redispatched = models.PositiveIntegerField("改派", default=0)
    signed = models.PositiveIntegerField("已签收", default=0)
    responded = models.PositiveIntegerField("按时签收", default=0)
    closed = models.PositiveIntegerField("办结", default=0)
    resolved = models.PositiveIntegerField("已解决", default=0)
    rated = models.PositiveIntegerField("参评", default=0)
    satisfied = models.PositiveIntegerField("满意", default=0)
    reopened = models.PositiveIntegerField("重办", default=0)
    red = models.PositiveIntegerField("红灯", default=0)

    class Meta:
        abstract = True


class StatDimensions(models.Model):
    """Where a ticket counts: the dimensions of the roll-up rows."""

    district_code = models.CharField("区县代码", max_length=12, blank=True)
    street_code = models.CharField("街道代码", max_length=12, blank=True)
    category_code = models.CharField("最终类别", max_length=64, blank=True)
    ai_category = models.CharField("AI类别", max_length=64, blank=True)
    department_id = models.BigIntegerField("主办单位", null=True, blank=True)
    first_department_id = models.BigIntegerField("首派单位", null=True, blank=True)

    class Meta:
        abstract = True


class StatRow(StatCounts, StatDimensions):
    """Counts for one combination of the dimensions."""

    class Meta:
        abstract = True


# The column lists the roll-up service and the dashboard use, read from the fields above (in their order).
COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in StatCounts._meta.local_fields)
DIMENSIONS: tuple[str, ...] = tuple(f.name for f in StatDimensions._meta.local_fields)


class DailyTicketStat(StatRow):
    """Counts of the tickets filed on `day` (Asia/Shanghai) that share one combination of dimensions.

    Dimensions: the street (and its district) resolved for the ticket ("" when unknown), the final
    category and the AI's category (their pairs make the confusion matrix), the final lead department
    and the first department dispatched to (accuracy = stayed with the first choice).
    Flags count tickets, so every rate is a ratio of two columns summed over any slice.
    """

    day = models.DateField("日期")

    class Meta:
        verbose_name = verbose_name_plural = "工单日统计"
        indexes = [
            models.Index(fields=["day", "street_code"], name="stat_day_street"),
            models.Index(fields=["district_code", "day"], name="stat_district_day"),
            models.Index(fields=["street_code", "day"], name="stat_street_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.street_code or self.district_code} {self.category_code}: {self.total}"


class MonthlyTicketStat(StatRow):
    """DailyTicketStat summed over a calendar month (`month` is its first day), same dimensions.
    Recomputed from the month's daily rows whenever one of its days is."""

    month = models.DateField("月份")

    class Meta:
        verbose_name = verbose_name_plural = "工单月统计"
        indexes = [
            models.Index(fields=["month", "district_code"], name="stat_month_district"),
            models.Index(fields=["street_code", "month"], name="stat_street_month"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.street_code or self.district_code} {self.category_code}: {self.total}"


class DailyDistrictVolume(models.Model):
    """Tickets filed per day, district and category: the volume curve of a city or district view."""

    day = models.DateField("日期")
    district_code = models.CharField("区县代码", max_length=12, blank=True)
    category_code = models.CharField("最终类别", max_length=64, blank=True)
    total = models.PositiveIntegerField("受理量", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "区县日受理量"
        indexes = [models.Index(fields=["day", "district_code"], name="volume_day_district")]

    def __str__(self):
        return f"{self.day} {self.district_code} {self.category_code}: {self.total}"


class OpenTicketLight(models.Model):
    """Open tickets per street (and district) and traffic light, as of the last roll-up run: the
    dashboard's 红黄绿灯 counts read these few rows instead of the ticket table."""

    district_code = models.CharField("区县代码", max_length=12, blank=True)
    street_code = models.CharField("街道代码", max_length=12, blank=True)
    light = models.CharField("时限灯", max_length=8)
    total = models.PositiveIntegerField("未办结件数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "未办结工单时限灯统计"
        indexes = [models.Index(fields=["district_code", "street_code"], name="open_light_place")]

    def __str__(self):
        return f"{self.street_code or self.district_code} {self.light}: {self.total}"


class StatsRollupState(models.Model):
    """Where the roll-up task got to: events up to `watermark` are reflected in DailyTicketStat."""

    name = models.CharField(max_length=32, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总进度"

    def __str__(self):
        return f"{self.name} @ {self.watermark}"


class TicketStatSnapshot(StatDimensions):
    """What one ticket adds to the roll-ups as they stand: its filing day, dimensions and flags (bit i
    set: the ticket counts in the i-th count column). The roll-up rows are the sum of these; a run takes
    a changed ticket's snapshot out of its rows and adds its new one (dispatch.services.stats)."""

    ticket = models.OneToOneField(
        "dispatch.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name="工单"
    )
    day = models.DateField("日期", db_index=True)
    flags = models.PositiveIntegerField("计数位")
    open_light = models.CharField("未办结时限灯", max_length=8, blank=True, help_text="办结后为空")

    class Meta:
        verbose_name = verbose_name_plural = "工单统计快照"

    def __str__(self):
        return f"{self.ticket_id} {self.day}: {self.flags:b}"
