"""知识库: standard answers and policies by matter, which operators read out on the line (即办)."""

from django.db import models

from common.models import account_ref


class Article(models.Model):
    """One entry of the knowledge base.

    `tokens` is the search index of the entry (jieba tokens of title, item, keywords and answer, space
    separated and padded with a space on both sides so that a whole token matches as " token "); it is
    written only by knowledge.services, never edited by hand.
    """

    code = models.CharField("编号", max_length=32, unique=True)
    title = models.CharField("标题", max_length=120)
    category_code = models.CharField("事项类别", max_length=64, blank=True, help_text="派单目录的类别，即办时带入工单")
    item = models.CharField("具体事项", max_length=64, blank=True, help_text="如：供暖时间、欠薪投诉、公积金提取")
    keywords = models.CharField("检索词", max_length=200, blank=True, help_text="市民常用说法，空格分隔")
    answer = models.TextField("标准答复")
    basis = models.CharField("政策依据/来源", max_length=200, blank=True)
    contact = models.CharField("咨询单位及电话", max_length=120, blank=True)
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("失效日期", null=True, blank=True, help_text="留空表示长期有效")
    is_active = models.BooleanField("启用", default=True)
    tokens = models.TextField("检索索引", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = account_ref("最后修改人")

    class Meta:
        verbose_name = verbose_name_plural = "知识库条目"
        ordering = ["category_code", "item", "code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def is_valid_on(self, day) -> bool:
        return self.is_active and self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)
