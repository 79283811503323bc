"""Text sketches for the duplicate check: where routing finds a new ticket's likely duplicates without
reading every open ticket of its community (dispatch/duplicates.py explains the bands)."""

from django.db import models


class TicketSketch(models.Model):
    """One band of a routed ticket's MinHash sketch, under the community it was routed to. Rows of tickets
    closed since, or older than the duplicate window, are skipped by the query and purged hourly."""

    ticket = models.ForeignKey("dispatch.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    community = models.ForeignKey(
        "governance.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    band = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "工单文本指纹"
        indexes = [
            models.Index(fields=["community", "band", "created_at"], name="sketch_lookup"),
            models.Index(fields=["created_at"], name="sketch_created"),
            models.Index(fields=["ticket"], name="sketch_ticket"),
        ]

    def __str__(self):
        return f"{self.ticket_id}:{self.band}"


class TicketHintKey(models.Model):
    """One key of a routed ticket for the duplicate hints at intake (a 事项小类, a building, an estate or one
    of the rarest words of its text, hashed: dispatch.duplicates.hint_keys), under its community. The hint
    reads the newest few tickets per key, so its work does not grow with the community's open tickets.
    Rows older than the hint window are purged hourly with the sketches."""

    ticket = models.ForeignKey("dispatch.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    community = models.ForeignKey(
        "governance.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    key = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "工单重复提示键"
        indexes = [
            models.Index(fields=["community", "key", "-created_at"], name="hintkey_lookup"),
            models.Index(fields=["created_at"], name="hintkey_created"),
            models.Index(fields=["ticket"], name="hintkey_ticket"),
        ]

    def __str__(self):
        return f"{self.ticket_id}:{self.key}"
