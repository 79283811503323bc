"""Idempotency keys: a client's retry of a POST replays the first answer instead of doing it again."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The first successful answer to one (user, key) POST, kept at least DISPATCH_IDEMPOTENCY_HOURS.

    `fingerprint` is a hash of the method, path and body: the same key with another request is refused
    (409). Only 2xx answers are stored, so a request that failed validation may be retried with the
    same key once corrected.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("幂等键", max_length=255)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "幂等键"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.key} ({self.method} {self.path} → {self.response_status})"
