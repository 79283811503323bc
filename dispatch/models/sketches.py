"""Indexes for the duplicate checks: where routing finds a new ticket's likely duplicates (sketches) and the
intake finds the hints for a call (hint keys) without reading every open ticket of its community
(dispatch/duplicates.py explains the bands and the keys)."""

from django.db import models


class CommunityTicketIndex(models.Model):
    """A routed ticket filed under one 64-bit value in the community it was routed to. Rows of tickets
    closed since, or older than the window, are skipped by the queries and purged hourly."""

    ticket = models.ForeignKey("dispatch.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    community = models.ForeignKey(
        "governance.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    created_at = models.DateTimeField()
    value_field = ""  # the subclass's 64-bit value

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.ticket_id}:{getattr(self, self.value_field)}"


def _indexes(prefix: str, value_field: str, newest_first: bool) -> list:
    """The lookup (community, value, time), the purge (time) and the cascade (ticket) indexes."""
    time = "-created_at" if newest_first else "created_at"
    return [
        models.Index(fields=["community", value_field, time], name=f"{prefix}_lookup"),
        models.Index(fields=["created_at"], name=f"{prefix}_created"),
        models.Index(fields=["ticket"], name=f"{prefix}_ticket"),
    ]


class TicketSketch(CommunityTicketIndex):
    """One band of a routed ticket's MinHash sketch (the strict 并单 rule's candidates)."""

    band = models.BigIntegerField()
    value_field = "band"

    class Meta:
        verbose_name = verbose_name_plural = "工单文本指纹"
        indexes = _indexes("sketch", "band", newest_first=False)


class TicketHintKey(CommunityTicketIndex):
    """One key of a routed ticket for the duplicate hints at intake (a 事项小类, a building, an estate or one
    of the rarest words of its text, hashed: dispatch.duplicates.hint_keys). The hint reads the newest few
    tickets per key, so its work does not grow with the community's open tickets."""

    key = models.BigIntegerField()
    value_field = "key"

    class Meta:
        verbose_name = verbose_name_plural = "工单重复提示键"
        indexes = _indexes("hintkey", "key", newest_first=True)
