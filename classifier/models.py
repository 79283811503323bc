from django.db import models
from django.db.models import Q

from common.models import account_ref


class ModelVersion(models.Model):
    """One trained classifier: its artifact folder under settings.CLASSIFIER_ARTIFACTS_DIR and its scores.

    At most one row is active (a partial unique index enforces it); `classify` uses that one. Rows are
    never edited after training except for the activation fields.
    """

    version = models.CharField("版本", max_length=64, unique=True)
    created_at = models.DateTimeField("训练时间", auto_now_add=True)
    is_active = models.BooleanField("当前启用", default=False)
    activated_at = models.DateTimeField("最近启用时间", null=True, blank=True)
    activated_by = account_ref("启用人")
    categories = models.JSONField("类别", default=list)
    n_examples = models.PositiveIntegerField("训练样本数", default=0)
    sources = models.JSONField("样本来源", default=dict, help_text="source name → number of examples")
    data_hash = models.CharField("训练数据哈希", max_length=64, blank=True)
    params = models.JSONField("参数", default=dict)
    scores = models.JSONField("交叉验证成绩", default=dict)
    library_versions = models.JSONField("库版本", default=dict)
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "分类模型版本"
        verbose_name_plural = "分类模型版本"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_model_version"),
        ]

    def __str__(self):
        return f"{self.version}{' (启用)' if self.is_active else ''}"

    # `scores` holds the headline figures at the top level (accuracy, macro_f1, top3_accuracy,
    # auto_coverage, auto_accuracy; from grouped CV when it ran) and each CV run under its name.
    @property
    def accuracy(self) -> float | None:
        return self.scores.get("accuracy")

    @property
    def macro_f1(self) -> float | None:
        return self.scores.get("macro_f1")


class ModelComparison(models.Model):
    """A candidate version evaluated side by side with the version active when it was trained.

    Both are scored on the same rows: recent confirmed tickets kept out of the candidate's training
    plus the shipped validation rows (classifier/candidates.py). The decision is recorded: promoted
    because it was not worse, kept because it was, or promoted by a supervisor's explicit choice.
    """

    class Decision(models.TextChoices):
        PROMOTED = "promoted", "不劣于现用版本，已启用"
        KEPT = "kept", "劣于现用版本，未启用"
        CHOSEN = "chosen", "主管决定启用"

    class Trigger(models.TextChoices):
        SUPERVISOR = "supervisor", "主管发起"
        WEEKLY = "weekly", "每周定时"
        COMMAND = "command", "命令行"

    created_at = models.DateTimeField("评估时间", auto_now_add=True)
    candidate = models.ForeignKey(
        ModelVersion, verbose_name="候选版本", on_delete=models.CASCADE, related_name="comparisons"
    )
    baseline = models.ForeignKey(
        ModelVersion, verbose_name="对照版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField("发起方式", max_length=16, choices=Trigger.choices)
    requested_by = account_ref("发起人")
    n_confirmed = models.PositiveIntegerField("评估用确认工单数", default=0)
    n_validation = models.PositiveIntegerField("评估用随附验证样本数", default=0)
    candidate_scores = models.JSONField("候选版本成绩", default=dict)
    baseline_scores = models.JSONField("对照版本成绩", default=dict)
    decision = models.CharField("结论", max_length=16, choices=Decision.choices)
    decided_by = account_ref("决定人")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "候选模型评估"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.candidate.version} vs {self.baseline.version if self.baseline else '-'}: {self.decision}"
