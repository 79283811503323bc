"""Field declarations the apps' models share."""

from django.conf import settings
from django.db import models


def optional_ref(to, verbose_name: str | None = None, *, related_name: str = "+", on_delete=models.PROTECT):
    """A reference that may be empty and has no index of its own: the model's `Meta.indexes` hold the
    composite indexes its queries use (one that begins with this column serves the joins and the
    PROTECT/CASCADE checks), so a separate single-column index would only slow the writes down.
    What it points to is protected from deletion unless `on_delete` says otherwise."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        db_index=False,
    )


def account_ref(verbose_name: str):
    """The account that did what the row records (activated, asked for, decided, last edited). The
    record outlives the account: deleting the user empties the reference."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
