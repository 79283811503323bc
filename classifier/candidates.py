"""Learning from corrections: a candidate version trained on shipped + confirmed examples, compared with
the active version on the same rows, promoted only when it is not worse (or by a supervisor's choice).

What callers may rely on:
- a confirmed example (a ticket whose category a person set or corrected: 改派, 审核) goes either into
  the candidate's training or into the evaluation slice, never both. The slice is one confirmed text
  in EVAL_EVERY (by a hash of the text, so the same text always falls on the same side), at most the
  EVAL_RECENT newest; the active version may have been trained on older confirmed tickets, so the
  slice favours it if anything, never the candidate;
- both versions are scored on exactly the same rows: that slice plus the shipped validation rows
  (settings.CLASSIFIER_VALIDATION_CSV, never trained on);
- "not worse" = accuracy and macro-F1 both at least the active version's on those rows; then the
  candidate is activated; otherwise it is registered but not active, and a supervisor may still
  promote it with a reason (recorded). Rollback is services.model_rollback.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from classifier import services, training
from classifier.evaluation import auto_block, scores
from classifier.models import ModelComparison, ModelVersion
from classifier.registry import LoadedModel, artifact_load
from common.errors import ApplicationError

logger = logging.getLogger(__name__)

EVAL_EVERY = 3
EVAL_RECENT = 300


def _in_eval_slice(text: str) -> bool:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % EVAL_EVERY == 0


def split_confirmed(examples: list[training.Example]) -> tuple[list[training.Example], list[training.Example]]:
    """(for training, for evaluation) of confirmed examples; see the module docstring."""
    held = [ex for ex in examples if _in_eval_slice(ex.text)]
    evaluation = held[-EVAL_RECENT:]
    kept_out = {id(ex) for ex in evaluation}
    return [ex for ex in examples if id(ex) not in kept_out], evaluation


def validation_examples() -> list[training.Example]:
    path = Path(settings.CLASSIFIER_VALIDATION_CSV)
    return training.examples_from_csv(path, source="validation") if path.exists() else []


def candidate_examples(*, say: Callable[[str], None] = logger.info):
    """(training examples, evaluation examples, number of confirmed rows among the evaluation ones)."""
    shipped = training.shipped_examples()
    confirmed_train, confirmed_eval = split_confirmed(training.examples_from_extra_sources(say=say))
    return shipped + confirmed_train, confirmed_eval + validation_examples(), len(confirmed_eval)


def model_scores(model: LoadedModel, examples: list[training.Example]) -> dict:
    """Accuracy, macro-F1 and the auto block at the configured thresholds of a model on examples."""
    if not examples:
        return {"n": 0}
    texts, labels = [ex.text for ex in examples], [ex.label for ex in examples]
    proba = model.predict_proba(texts)
    predicted = [str(model.classes[i]) for i in proba.argmax(axis=1)]
    result = scores(labels, proba, model.classes)
    auto = auto_block(labels, proba, model.classes, services.thresholds_for(texts, predicted))
    return {"n": result["n"], "accuracy": result["accuracy"], "macro_f1": result["macro_f1"], "auto": auto}


def _loaded(version: str) -> LoadedModel:
    return LoadedModel.from_pipeline(version=version, pipeline=artifact_load(version))


def not_worse(candidate: dict, baseline: dict) -> bool:
    if not baseline or baseline.get("n", 0) == 0:
        return True
    return candidate["accuracy"] >= baseline["accuracy"] and candidate["macro_f1"] >= baseline["macro_f1"]


def candidate_train(
    *,
    trigger: str = ModelComparison.Trigger.SUPERVISOR,
    by=None,
    params: dict | None = None,
    say: Callable[[str], None] = logger.info,
) -> ModelComparison:
    """Train a candidate on shipped + confirmed examples, compare it with the active version, decide.

    Returns the recorded comparison; the candidate is active afterwards exactly when
    `comparison.decision == "promoted"`.
    """
    train, evaluation, n_confirmed = candidate_examples(say=say)
    baseline_row = ModelVersion.objects.filter(is_active=True).first()
    result = training.train_and_register(examples=train, cv="none", activate=False, params=params, say=say)
    candidate_scores = model_scores(_loaded(result.version.version), evaluation)
    baseline_scores = model_scores(_loaded(baseline_row.version), evaluation) if baseline_row else {}
    promote = not_worse(candidate_scores, baseline_scores)
    with transaction.atomic():
        comparison = ModelComparison.objects.create(
            candidate=result.version,
            baseline=baseline_row,
            trigger=trigger,
            requested_by=by if getattr(by, "is_authenticated", False) else None,
            n_confirmed=n_confirmed,
            n_validation=len(evaluation) - n_confirmed,
            candidate_scores=candidate_scores,
            baseline_scores=baseline_scores,
            decision=ModelComparison.Decision.PROMOTED if promote else ModelComparison.Decision.KEPT,
            decided_at=timezone.now(),
        )
        if promote:
            services.model_activate(version=result.version, by=by)
    return comparison


@transaction.atomic
def candidate_promote(*, comparison: ModelComparison, by, reason: str) -> ModelComparison:
    """A supervisor activates a candidate that was kept, giving a reason; the choice is recorded."""
    comparison = ModelComparison.objects.select_for_update().get(pk=comparison.pk)
    if comparison.decision != ModelComparison.Decision.KEPT:
        raise ApplicationError("该候选版本已启用过", code="candidate_already_promoted")
    if not reason.strip():
        raise ApplicationError("请填写启用理由", code="reason_required", extra={"field": "reason"})
    services.model_activate(version=comparison.candidate, by=by)
    comparison.decision = ModelComparison.Decision.CHOSEN
    comparison.decided_by = by if getattr(by, "is_authenticated", False) else None
    comparison.decided_at = timezone.now()
    comparison.reason = reason.strip()
    comparison.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    return comparison


def comparisons_recent(*, limit: int = 10) -> list[ModelComparison]:
    """The latest comparisons for the models page (one query)."""
    return list(
        ModelComparison.objects.select_related("candidate", "baseline", "requested_by", "decided_by").order_by(
            "-created_at", "-id"
        )[:limit]
    )
