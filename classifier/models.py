from django.conf import settings
from django.db import models
from django.db.models import Q


class ModelVersion(models.Model):
    """One trained classifier: its artifact folder under settings.CLASSIFIER_ARTIFACTS_DIR and its scores.

    At most one row is active (a partial unique index enforces it); `classify` uses that one. Rows are
    never edited after training except for the activation fields.
    """

    version = models.CharField("版本", max_length=64, unique=True)
    created_at = models.DateTimeField("训练时间", auto_now_add=True)
    is_active = models.BooleanField("当前启用", default=False)
    activated_at = models.DateTimeField("最近启用时间", null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="启用人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
