"""Reads of the classifier app."""

from django.db.models import QuerySet

from classifier.models import ModelVersion


def model_version_list() -> QuerySet[ModelVersion]:
    """Every registered model version, newest first."""
    return ModelVersion.objects.order_by("-created_at")
