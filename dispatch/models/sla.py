"""Time limits as data: per category and urgency, the working calendar, and the city operating mode."""

from django.conf import settings
from django.db import models

from governance.models import CatalogueItem


class TimeLimit(models.Model):
    """How long a unit has to sign for, handle and return a ticket of a category, urgency and time-limit class.

    An empty `category_code` is the default row for an urgency; a category row overrides it. The matter
    item's time-limit class (紧急/水电气暖/一般/复杂, on the 派单目录 item) raises the urgency a ticket is
    timed at (紧急 → 特急 rows, 水电气暖 → 紧急 rows) and picks a class row where one exists (复杂: 15
    working days); a class row overrides a category row (services/sla.py: `limits_for`).
    """

    class Unit(models.TextChoices):
        WORKING_DAY = "working_day", "工作日"
        WORKING_HOUR = "working_hour", "工作小时"
        CLOCK_HOUR = "clock_hour", "自然小时"

    category_code = models.CharField("事项类别", max_length=64, blank=True, help_text="留空为该紧急程度的默认时限")
    urgency = models.CharField(
        "紧急程度",
        max_length=16,
        choices=[
            ("normal", "一般"),
            ("urgent", "紧急"),
            ("emergency", "特急"),
        ],
    )
    time_limit_class = models.CharField(
        "时限类别",
        max_length=16,
        blank=True,
        choices=CatalogueItem.TimeLimitClass.choices,
        help_text="留空为任意时限类别；派单目录事项的时限类别与此相同时优先适用",
    )
    unit = models.CharField("计时单位", max_length=16, choices=Unit.choices, default=Unit.WORKING_DAY)
    sign_limit = models.DecimalField("签收时限", max_digits=6, decimal_places=2)
    handle_limit = models.DecimalField("办理时限", max_digits=6, decimal_places=2)
    return_limit = models.DecimalField("退单时限", max_digits=6, decimal_places=2)
    max_extension = models.DecimalField("最长延期", max_digits=6, decimal_places=2, default=10)

    class Meta:
        verbose_name = verbose_name_plural = "办理时限"
        ordering = ["urgency", "category_code", "time_limit_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["category_code", "urgency", "time_limit_class"], name="time_limit_category_urgency_class"
            )
        ]

    def __str__(self):
        label = f"{self.category_code or '默认'}/{self.get_urgency_display()}"
        return f"{label}/{self.get_time_limit_class_display()}" if self.time_limit_class else label


class WorkCalendarDay(models.Model):
    """A day of the working calendar. Seeded from chinese-calendar for the years it knows; the State
    Council's next-year announcement is entered in the admin. Dates with no row are Monday–Friday."""

    class Source(models.TextChoices):
        PACKAGE = "package", "chinese-calendar"
        MANUAL = "manual", "人工录入"

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("工作日")
    name = models.CharField("节假日/调休", max_length=32, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'班' if self.is_workday else '休'}"


class CityMode(models.Model):
    """One switch of the city operating mode; the latest row is the mode in force.

    `scale` multiplies every time limit for tickets filed while the mode holds (0.5 = half the time);
    `priority_boost` is added to new tickets' priority.
    """

    class Mode(models.TextChoices):
        DAILY = "daily", "日常"
        HOLIDAY = "holiday", "重大节假日"
        MAJOR_EVENT = "major_event", "重大任务"
        EMERGENCY = "emergency", "应急"

    mode = models.CharField("运行模式", max_length=16, choices=Mode.choices)
    scale = models.DecimalField("时限系数", max_digits=4, decimal_places=2, default=1)
    priority_boost = models.PositiveSmallIntegerField("优先级提升", default=0)
    reason = models.CharField("切换原因", max_length=200, blank=True)
    switched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="切换人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    switched_at = models.DateTimeField("切换时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "城市运行模式"
        ordering = ["-switched_at", "-id"]

    def __str__(self):
        return self.get_mode_display()
