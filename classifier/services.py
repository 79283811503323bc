"""The classifier's public face: `classify`, thresholds, and managing which model version is active.

`classify` is what intake and routing call. What callers may rely on:
- the text is normalised and personal data is masked before anything else sees it; nothing is logged;
- probabilities are calibrated (among texts given 0.9, about 9 in 10 are right; see the training report);
- `auto` is True when the top probability reaches the threshold for that category; below it the
  ticket belongs with a human dispatcher, who sees the top-3;
- with no active model it raises NoActiveModel (an ApplicationError), never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from classifier.models import ModelVersion
from classifier.registry import (
    LoadedModel,
    ModelLoadError,
    NoActiveModel,
    active_model_cache,
    artifact_load,
    get_active_model,
)
from classifier.selectors import model_rollback_target
from classifier.text import char_count, mask_pii
from common.errors import ApplicationError

__all__ = [
    "CategoryScore",
    "ModelLoadError",
    "NoActiveModel",
    "Prediction",
    "classify",
    "classify_many",
    "evaluate_texts",
    "mask_pii",
    "model_activate",
    "model_rollback",
    "model_version_register",
    "threshold_for",
    "thresholds_for",
]

# The thresholds are settings (config/settings.py: CLASSIFIER_AUTO_DISPATCH_THRESHOLD, per category
# CLASSIFIER_CATEGORY_THRESHOLDS, and CLASSIFIER_SHORT_TEXT_* for short texts), chosen from the
# unseen-raw protocol (classifier/protocol.py) rather than from cross-validation, which mixes in the
# pre-tokenized rows. A city retrained on its own tickets should re-read the protocol's suggestion in
# its report (`train_classifier --full-report`) and move the settings.
N_TERMS = 5


@dataclass(frozen=True)
class CategoryScore:
    code: str
    probability: float


@dataclass(frozen=True)
class Prediction:
    categories: list[CategoryScore]
    model_version: str
    terms: list[str]
    auto: bool
    threshold: float

    @property
    def top(self) -> CategoryScore:
        return self.categories[0]


def threshold_for(category_code: str, *, text: str | None = None, chars: int | None = None) -> float:
    """The auto-dispatch threshold for a prediction of `category_code` on `text`.

    A per-category override (CLASSIFIER_CATEGORY_THRESHOLDS) replaces the global threshold. A short
    text (at most CLASSIFIER_SHORT_TEXT_CHARS characters once normalised, e.g. an operator's one-line
    summary) is held to CLASSIFIER_SHORT_TEXT_THRESHOLD when that is stricter: short texts are right
    less often at the same confidence (unseen-raw protocol, see classifier/protocol.py, and the operator
    summaries of fixtures/classifier/). The shipped setting is "hold" (1.01, above
    any probability): short texts are never automatic, a person confirms them. `chars`, when
    given, is the text's `text.char_count` already counted (then `text` is not needed).
    """
    overrides = settings.CLASSIFIER_CATEGORY_THRESHOLDS
    if category_code in overrides:
        threshold = float(overrides[category_code])
    else:
        threshold = float(settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD)
    if chars is None and text is not None:
        chars = char_count(text)
    if chars is not None and chars <= int(settings.CLASSIFIER_SHORT_TEXT_CHARS):
        short = settings.CLASSIFIER_SHORT_TEXT_THRESHOLD
        if short is not None:
            threshold = max(threshold, float(short))
    return threshold


def is_short_text(text: str) -> bool:
    """At most CLASSIFIER_SHORT_TEXT_CHARS characters after normalising (whitespace not counted)."""
    return char_count(text) <= int(settings.CLASSIFIER_SHORT_TEXT_CHARS)


def thresholds_for(texts: list[str], predicted: list[str]) -> list[float]:
    """threshold_for of each (text, predicted category) pair."""
    return [threshold_for(code, text=t) for t, code in zip(texts, predicted, strict=True)]


def _prediction(model, proba_row: np.ndarray, x_row, k: int, chars: int) -> Prediction:
    order = np.argsort(-proba_row)[:k]
    categories = [CategoryScore(code=str(model.classes[i]), probability=float(proba_row[i])) for i in order]
    threshold = threshold_for(categories[0].code, chars=chars)
    return Prediction(
        categories=categories,
        model_version=model.version,
        terms=model.explainer.top_terms(x_row, int(order[0]), n=N_TERMS),
        auto=categories[0].probability >= threshold,
        threshold=threshold,
    )


def classify_many(texts: list[str], *, k: int = 3) -> list[Prediction]:
    """`classify` for a batch (one vectorisation and one model call for all texts)."""
    if not texts:
        return []
    return predict_with(get_active_model(), texts, k=k)


def predict_with(model: LoadedModel, texts: list[str], *, k: int = 3) -> list[Prediction]:
    """Predictions of a given loaded model (what classify does after fetching the active one)."""
    # classifier/inference.py: the Pipeline's own parameters without sklearn's per-call checks
    X, chars = model.compiled.transform_counted(texts)
    proba = model.compiled.predict_proba_features(X)
    k = max(1, min(k, len(model.classes)))
    # rows as (indices, values) views: slicing X[i] builds a new sparse matrix per text (slow)
    rows = [
        (X.indices[X.indptr[i] : X.indptr[i + 1]], X.data[X.indptr[i] : X.indptr[i + 1]]) for i in range(len(texts))
    ]
    return [_prediction(model, proba[i], rows[i], k, chars[i]) for i in range(len(texts))]


def classify(text: str, *, k: int = 3) -> Prediction:
    """Top-k categories of a raw complaint with calibrated probabilities (see the module docstring)."""
    return classify_many([text], k=k)[0]


@transaction.atomic
def model_activate(*, version: ModelVersion | str, by=None) -> ModelVersion:
    """Make `version` (a row or its name) the only active one; `by` is recorded as who did it.

    Raises ApplicationError for an unknown name and ModelLoadError when the artifact is missing or
    incompatible; either way nothing changes. Every process serves the new model within
    registry.ACTIVE_CHECK_SECONDS.
    """
    if isinstance(version, str):
        found = ModelVersion.objects.filter(version=version).first()
        if found is None:
            raise ApplicationError(f"没有模型版本 {version}", code="unknown_model_version", extra={"field": "version"})
        version = found
    artifact_load(version.version)  # refuse to activate what could not serve
    locked = list(ModelVersion.objects.select_for_update().filter(is_active=True).exclude(pk=version.pk))
    for other in locked:
        other.is_active = False
        other.save(update_fields=["is_active"])
    version.is_active = True
    version.activated_at = timezone.now()
    version.activated_by = by if getattr(by, "is_authenticated", False) else None
    version.save(update_fields=["is_active", "activated_at", "activated_by"])
    transaction.on_commit(active_model_cache.clear)
    return version


def model_rollback(*, by=None) -> ModelVersion:
    """Activate the version before the active one (classifier.selectors.model_rollback_target) and
    return it. Raises ApplicationError when there is nothing to roll back to.
    """
    current = ModelVersion.objects.filter(is_active=True).first()
    if current is None:
        raise NoActiveModel("没有启用的模型, 无法回滚")
    target = model_rollback_target(current)
    if target is None:
        raise ApplicationError(f"{current.version} 之前没有可回滚的模型版本", code="no_previous_model")
    return model_activate(version=target, by=by)


@transaction.atomic
def model_version_register(*, metadata: dict, activate: bool) -> ModelVersion:
    """Record a trained artifact (already written by registry.artifact_save); activate it if asked."""
    version = ModelVersion.objects.create(
        version=metadata["version"],
        categories=metadata["categories"],
        n_examples=metadata["n_examples"],
        sources=metadata["sources"],
        data_hash=metadata["data_hash"],
        params=metadata["params"],
        scores=metadata.get("scores", {}),
        library_versions=metadata["library_versions"],
    )
    if activate:
        model_activate(version=version)
    return version


def evaluate_texts(*, texts: list[str], labels: list[str]) -> tuple[str, dict]:
    """(active version, evaluation.scores) of the active model on raw texts with known labels.

    The result also holds `auto`: coverage and accuracy at the configured thresholds (per category
    and by text length, exactly as `classify` decides).
    """
    from classifier.evaluation import auto_block, scores

    model = get_active_model()
    proba = model.predict_proba(texts)
    predicted = [str(model.classes[i]) for i in proba.argmax(axis=1)]
    result = scores(labels, proba, model.classes)
    result["auto"] = auto_block(labels, proba, model.classes, thresholds_for(texts, predicted))
    return model.version, result
