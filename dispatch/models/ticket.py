"""The ticket (工单) and what hangs off it: extra callers (并单) and assisting departments (协办)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import optional_ref


class Ticket(models.Model):
    """One citizen request and its place in the closed loop.

    Status only changes through dispatch.services (one transition table, row lock, TicketEvent written
    in the same transaction). `sla_due` / `sla_warn_at` are the deadline of the clock currently running
    (sign-for while dispatched, handling while being handled, review of a return while a return waits);
    the beat sweep only ever looks at those two columns, so they are NULL when no clock runs.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", "电话"
        WEB = "web", "网站"
        APP = "app", "APP"
        WECHAT = "wechat", "微信"
        OPEN311 = "open311", "Open311"
        OTHER = "other", "其他"
        PROACTIVE = "proactive", "主动治理"  # 未诉先办: opened by the centre from a hotspot, no caller
        PATROL = "patrol", "网格巡查"  # 巡查上报: found by a grid worker on patrol, no caller

    class Type(models.TextChoices):
        CONSULT = "consult", "咨询"
        HELP = "help", "求助"
        COMPLAINT = "complaint", "投诉"
        REPORT = "report", "举报"
        SUGGESTION = "suggestion", "建议"
        PRAISE = "praise", "表扬"

    class Urgency(models.TextChoices):
        NORMAL = "normal", "一般"
        URGENT = "urgent", "紧急"  # utilities and the like: 24 clock hours
        EMERGENCY = "emergency", "特急"  # risk to life or property: 2 clock hours

    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        PENDING_DISPATCH = "pending_dispatch", "待人工派单"
        DISPATCHED = "dispatched", "已派单待签收"
        HANDLING = "handling", "已签收办理中"
        RETURN_PENDING = "return_pending", "退单待审"
        EXTENSION_PENDING = "extension_pending", "延期待批"
        REPLIED = "replied", "已答复待审核"
        CALLBACK = "callback", "待回访"
        CLOSED = "closed", "已办结"
        CLOSED_AT_INTAKE = "closed_at_intake", "即办办结"
        MERGED = "merged", "已并单"

    class Light(models.TextChoices):
        GREEN = "green", "绿灯"
        YELLOW = "yellow", "黄灯"
        RED = "red", "红灯"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"
        UNREACHABLE = "unreachable", "未联系上"

    class DispatchSource(models.TextChoices):
        AI = "ai", "智能派单"
        HUMAN = "human", "人工派单"
        FALLBACK = "fallback", "兜底派单"
        SELF = "self", "网格自处"  # 自行处置: a patrol finding the grid worker handled on the spot

    FINAL_STATUSES = (Status.CLOSED, Status.CLOSED_AT_INTAKE, Status.MERGED)
    # Where the unit is still holding the ticket: handling clocks run, replies are possible.
    HANDLING_STATUSES = (Status.HANDLING, Status.EXTENSION_PENDING)

    number = models.CharField("工单编号", max_length=20)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices, default=Channel.PHONE)
    caller_name = models.CharField("来电人", max_length=32, blank=True)
    caller_phone = models.CharField("来电号码", max_length=20, blank=True)
    content = models.TextField("诉求内容")
    address = models.CharField("地址", max_length=200, blank=True)
    district = optional_ref("governance.Region", "区县")
    street = optional_ref("governance.Region", "街道")
    community = optional_ref("governance.Region", "社区")
    grid = optional_ref("governance.Grid", "网格", related_name="tickets")
    address_certain = models.BooleanField("地址确定", default=False)
    type = models.CharField("诉求类型", max_length=16, choices=Type.choices, default=Type.COMPLAINT)
    urgency = models.CharField("紧急程度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    priority = models.PositiveSmallIntegerField("优先级", default=0, help_text="城市运行模式可提高")
    category_code = models.CharField("事项类别", max_length=64, blank=True)
    category_confirmed = models.BooleanField("类别经人工确认", default=False)
    # The matter item (事项) of the item-level 派单目录 the ticket is handled as: chosen by routing, the
    # operator at intake or the dispatcher. Its time-limit class sets the deadlines (services/sla.py).
    catalogue_item = optional_ref("governance.CatalogueItem", "派单目录事项", on_delete=models.SET_NULL)

    lead_department = optional_ref("governance.Department", "主办单位", related_name="lead_tickets")
    first_lead_department = optional_ref("governance.Department", "首次派单单位")
    assisting_departments = models.ManyToManyField(
        "governance.Department",
        verbose_name="协办单位",
        through="TicketAssist",
        related_name="assisted_tickets",
        blank=True,
    )
    dispatch_source = models.CharField("派单方式", max_length=16, choices=DispatchSource.choices, blank=True)

    ai_category = models.CharField("AI类别", max_length=64, blank=True)
    ai_probability = models.FloatField("AI置信度", null=True, blank=True)
    ai_model_version = models.CharField("模型版本", max_length=64, blank=True)
    ai_top3 = models.JSONField("AI前三建议", default=list, blank=True)
    ai_terms = models.JSONField("AI关键词", default=list, blank=True)
    # The matter-item decision: {"reason": why (not) dispatched automatically, "items": the top items with
    # the unit each goes to at this place and the words that chose it} (governance.selectors.routing).
    ai_routing = models.JSONField("AI事项建议", default=dict, blank=True)

    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.RECEIVED)
    sla_light = models.CharField("时限灯", max_length=8, choices=Light.choices, default=Light.GREEN)
    sla_due = models.DateTimeField("当前时限", null=True, blank=True)
    sla_warn_at = models.DateTimeField("黄灯时间", null=True, blank=True)
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    handle_due = models.DateTimeField("办理时限", null=True, blank=True)
    return_due = models.DateTimeField("退单时限", null=True, blank=True)
    supervised = models.BooleanField("督办", default=False)
    urge_count = models.PositiveSmallIntegerField("催办次数", default=0)

    confidential = models.BooleanField("保密件", default=False)
    merged_into = optional_ref("self", "并入工单", related_name="merged_tickets")
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices, blank=True)
    return_count = models.PositiveSmallIntegerField("退单次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    extension_days = models.PositiveSmallIntegerField("延期天数", default=0)
    answer = models.TextField("即办答复", blank=True)
    reply_text = models.TextField("办理答复", blank=True)
    reply_photo = models.FileField("现场照片", upload_to="replies/%Y/%m/", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受理人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField("受理时间", db_index=True)
    routed_at = models.DateTimeField("分拨时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单"
        ordering = ["-created_at", "-id"]
        # Every index costs each sweep UPDATE and each filing: foreign keys are covered by the composite
        # indexes below (no separate FK indexes, no varchar_pattern_ops copies on PostgreSQL).
        constraints = [models.UniqueConstraint(fields=["number"], name="ticket_number_unique")]
        indexes = [
            # The sweep: partial indexes hold only tickets whose clock runs (the deadlines are NULL otherwise).
            # sla_light is deliberately in no index, not even in a predicate: then the sweep's UPDATE (light,
            # supervised, version, updated_at) is a HOT update — no index entry written for any of the
            # indexes here — given room on the page (fillfactor, migration 0006). The price: each sweep
            # also walks the entries of tickets already red (or yellow) and filters them on the heap.
            models.Index(fields=["sla_due"], name="ticket_sla_due", condition=Q(sla_due__isnull=False)),
            models.Index(fields=["sla_warn_at"], name="ticket_sla_warn", condition=Q(sla_warn_at__isnull=False)),
            # The reconciler: tickets filed but never routed.
            models.Index(fields=["created_at"], name="ticket_unrouted", condition=Q(status="received")),
            models.Index(fields=["status", "sla_due"], name="ticket_status_due"),
            models.Index(fields=["lead_department", "status"], name="ticket_dept_status"),
            models.Index(fields=["grid", "status"], name="ticket_grid_status"),
            models.Index(fields=["district", "created_at"], name="ticket_district_created"),
            models.Index(fields=["street", "created_at"], name="ticket_street_created"),
            models.Index(fields=["community", "created_at"], name="ticket_community_created"),
            models.Index(fields=["status", "created_at"], name="ticket_status_created"),
            models.Index(fields=["caller_phone"], name="ticket_caller_phone", condition=~Q(caller_phone="")),
            models.Index(fields=["merged_into"], name="ticket_merged_into", condition=Q(merged_into__isnull=False)),
            # The dashboard's patrol counts (发现/自处/上报) read patrol tickets only; no cost for other filings.
            models.Index(fields=["created_at"], name="ticket_patrol_created", condition=Q(channel="patrol")),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINAL_STATUSES


class TicketCaller(models.Model):
    """Further callers of a ticket: everyone whose ticket was merged (并单) into it keeps a row here."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extra_callers")
    name = models.CharField("来电人", max_length=32, blank=True)
    phone = models.CharField("来电号码", max_length=20, blank=True, db_index=True)
    source_ticket = models.ForeignKey(
        Ticket, verbose_name="原工单", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "并单来电人"
        ordering = ["id"]

    def __str__(self):
        return f"{self.ticket_id}: {self.name or '匿名'}"


class TicketAssist(models.Model):
    """A 协办 department on a ticket, and how it got there (catalogue, dispatcher, 吹哨报到)."""

    class Source(models.TextChoices):
        CATALOGUE = "catalogue", "派单目录"
        DISPATCHER = "dispatcher", "人工指定"
        WHISTLE = "whistle", "吹哨报到"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assists")
    department = models.ForeignKey("governance.Department", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.CATALOGUE)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "协办单位"
        constraints = [models.UniqueConstraint(fields=["ticket", "department"], name="ticket_assist_unique")]
        indexes = [models.Index(fields=["department", "ticket"])]

    def __str__(self):
        return f"{self.ticket_id}: {self.department_id}"


class TicketNumberCounter(models.Model):
    """Per-day sequence for ticket numbers: ZZ + YYYYMMDD + 6 digits.

    Incremented with a single UPDATE (the row lock serialises concurrent intakes for the rest of the
    filing transaction); gaps are possible when a filing rolls back, duplicates are not.
    """

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "工单编号计数"

    def __str__(self):
        return f"{self.day}: {self.last}"


class TicketPhoto(models.Model):
    """A photo of a ticket's site: taken on patrol (巡查), or before/after handling (处置前/处置后).

    Served only by the photo endpoint to users who may see the ticket (they show where citizens live)."""

    class Kind(models.TextChoices):
        PATROL = "patrol", "巡查照片"
        BEFORE = "before", "处置前"
        AFTER = "after", "处置后"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    image = models.FileField("照片", upload_to="photos/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "现场照片"
        ordering = ["id"]

    def __str__(self):
        return f"{self.ticket_id}: {self.get_kind_display()}"
