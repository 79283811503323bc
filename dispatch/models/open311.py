"""Open311 GeoReport v2 clients: their API keys and the service requests they filed."""

import hashlib

from django.db import models


class Open311ApiKey(models.Model):
    """One client of the Open311 face (a FixMyStreet instance, a city app …).

    Only the SHA-256 of the key is stored: the key itself is shown once, when it is made
    (`manage.py open311_key NAME`). A revoked key files nothing; the rows it filed keep pointing at it.
    """

    name = models.CharField("客户端名称", max_length=64, unique=True)
    prefix = models.CharField("密钥前缀", max_length=16, help_text="密钥的前几位，便于辨认；完整密钥只在创建时显示一次")
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True, editable=False)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311 API 密钥"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class Open311Request(models.Model):
    """What an Open311 client sent beside the ticket it became: which key filed it, the token, the
    coordinates, media and attributes. The e-mail is personal data: kept for the hotline, never published."""

    ticket = models.OneToOneField("dispatch.Ticket", on_delete=models.PROTECT, related_name="open311")
    api_key = models.ForeignKey(
        Open311ApiKey, verbose_name="API 密钥", on_delete=models.PROTECT, related_name="requests"
    )
    token = models.CharField("令牌", max_length=32, unique=True)
    service_code = models.CharField("服务编码", max_length=64)
    description = models.TextField("诉求描述", blank=True)
    address_string = models.CharField("地址", max_length=200, blank=True)
    address_id = models.CharField("地址编号", max_length=64, blank=True)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    device_id = models.CharField("设备编号", max_length=64, blank=True)
    account_id = models.CharField("账户编号", max_length=64, blank=True)
    media_urls = models.JSONField("图片链接", default=list, blank=True)
    attributes = models.JSONField("附加属性", default=dict, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311 诉求"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.api_key_id}: {self.ticket_id}"
