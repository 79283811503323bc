"""Reads of the classifier app."""

from django.db.models import Q, QuerySet

from classifier.models import ModelVersion


def model_version_list() -> QuerySet[ModelVersion]:
    """Every registered model version, newest first."""
    return ModelVersion.objects.order_by("-created_at")


def model_rollback_target(current: ModelVersion | None = None) -> ModelVersion | None:
    """The version a rollback would activate, or None when there is nothing earlier to go back to.

    "Before" = the newest version trained earlier than the active one that has served before
    (activated_at set); if none has, the newest earlier version. Repeated rollbacks walk back in time.
    """
    current = current or ModelVersion.objects.filter(is_active=True).first()
    if current is None:
        return None
    earlier = ModelVersion.objects.filter(
        Q(created_at__lt=current.created_at) | Q(created_at=current.created_at, pk__lt=current.pk)
    )
    return (
        earlier.filter(activated_at__isnull=False).order_by("-created_at", "-id").first()
        or earlier.order_by("-created_at", "-id").first()
    )
