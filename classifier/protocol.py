"""The unseen-raw protocol: how the model does on whole raw messages it has never seen.

Cross-validation over the training file flatters: 70 % of it is pre-tokenized text with stopwords
removed, while production text is raw, and near-duplicates sit in it. This protocol scores (and
chooses the auto-dispatch threshold) only on raw-form rows kept out of training:

- the raw rows are cut into `n_splits` folds by StratifiedGroupKFold over their near-duplicate groups;
- for each fold, the model is trained on every row (raw or pre-tokenized) whose group has no row in
  the fold — so a pre-tokenized copy of a held-out message never sits in training — and predicts the
  fold's raw rows, whole and cut short (the first 20/30/40 characters, the first sentence);
- every raw row is predicted exactly once per seed; several seeds give several splits.

The texts are segmented once beforehand (segmentation learns nothing from other rows, see
classifier/validation.py); short variants are segmented from the raw text, as `classify` would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from classifier.evaluation import coverage_table, reliability_table, scores
from classifier.pipeline import build_pipeline, fit_on_tokens
from classifier.shortcuts import (  # noqa: F401 (SHORT_PREFIXES, first_sentence, short_variants: re-exported)
    SHORT_PREFIXES,
    SHORT_VARIANTS,
    first_sentence,
    short_docs_for,
    short_variants,
)

# The promise is "≥ 97 % of automatic dispatches are right". Thresholds are suggested where the
# protocol shows one point more: on the one set of truly unseen calls measured so far, the model was
# right 95.2 % of the time at 0.85 where this protocol says 98.0 %, so new calls differ from the
# training file in ways no split of it shows, and the promise needs room for that.
PROMISE = 0.97
SUGGESTION_TARGET = 0.98


def raw_holdout_splits(labels, forms, groups, *, n_splits: int = 5, seed: int = 0):
    """(train_idx, test_idx) pairs: test = one fold of raw rows, train = rows of every other group."""
    labels = np.asarray(labels, dtype=object)
    groups = np.asarray(groups)
    raw = np.flatnonzero(np.asarray(forms) == "raw")
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for _, fold in folds.split(raw, labels[raw], groups[raw]):
        test = raw[fold]
        train = np.flatnonzero(~np.isin(groups, groups[test]))
        yield train, test


@dataclass
class ProtocolRun:
    """Out-of-training probabilities on the raw rows (in `raw_index` order) for one seed."""

    seed: int
    classes: np.ndarray
    raw_index: np.ndarray
    labels: np.ndarray
    proba: dict[str, np.ndarray] = field(default_factory=dict)  # "whole", "first_20", … → (n_raw × classes)


def unseen_raw_run(
    docs: list[str],
    labels,
    forms,
    groups,
    *,
    short_docs: dict[str, list[str]] | None = None,
    seed: int = 0,
    n_splits: int = 5,
    params: dict | None = None,
    progress=None,
    n_jobs: int = 1,
) -> ProtocolRun:
    """One seed of the protocol; `short_docs` maps a variant name to segmented texts aligned with `docs`
    (shortcuts.short_docs_for with tokenized=True): the cuts that are scored (raw rows of the fold) and
    those that training adds (rows of the training part, `short_copies` of the params).
    """
    labels = np.asarray(labels, dtype=object)
    classes = np.array(sorted(set(labels)), dtype=object)
    raw_index = np.flatnonzero(np.asarray(forms) == "raw")
    position = {row: i for i, row in enumerate(raw_index)}
    variants = {"whole": docs, **(short_docs or {})}
    proba = {name: np.zeros((len(raw_index), len(classes))) for name in variants}
    docs_array = {name: np.asarray(v, dtype=object) for name, v in variants.items()}
    column = {c: i for i, c in enumerate(classes)}
    for train, test in raw_holdout_splits(labels, forms, groups, n_splits=n_splits, seed=seed):
        pipe = build_pipeline(params, n_jobs=n_jobs)
        fit_on_tokens(pipe, docs, labels, short_docs=short_docs, index=train, params=params)
        at = [position[row] for row in test]
        cols = [column[c] for c in pipe.classes_]
        for name, array in docs_array.items():
            proba[name][np.ix_(at, cols)] = pipe[1:].predict_proba(list(array[test]))
        if progress is not None:
            progress.update(1)
    return ProtocolRun(seed=seed, classes=classes, raw_index=raw_index, labels=labels[raw_index], proba=proba)


def run_scores(run: ProtocolRun, *, variant: str = "whole", threshold: float) -> dict:
    """Accuracy, macro-F1, calibration error and the auto share/accuracy at `threshold` of one run."""
    p = run.proba[variant]
    result = scores(run.labels, p, run.classes)
    auto = coverage_table(run.labels, p, run.classes, thresholds=[threshold])[0]
    return {
        "n": result["n"],
        "accuracy": result["accuracy"],
        "macro_f1": result["macro_f1"],
        "ece": reliability_table(run.labels, p, run.classes)["expected_calibration_error"],
        "auto_threshold": threshold,
        "auto_coverage": auto["coverage"],
        "auto_accuracy": auto["accuracy"],
    }


def _mean(values) -> float | None:
    """Mean of the seeds' figures; None when none has one (no automatic decision at a held threshold)."""
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def summary(runs: list[ProtocolRun], *, threshold: float, variants=None) -> dict:
    """Per-seed figures and their mean, for each variant (whole messages and the short cuts)."""
    variants = variants or list(runs[0].proba)
    out: dict = {"seeds": [r.seed for r in runs], "threshold": threshold}
    for variant in variants:
        per_seed = [run_scores(r, variant=variant, threshold=threshold) for r in runs]
        keys = ("accuracy", "macro_f1", "ece", "auto_coverage", "auto_accuracy")
        out[variant] = {
            "n": per_seed[0]["n"],
            **{k: _mean([s[k] for s in per_seed]) for k in keys},
            "per_seed": per_seed,
        }
    return out


FINE_THRESHOLDS = tuple(round(0.50 + 0.01 * i, 2) for i in range(50))  # 0.50 … 0.99


def _pooled(runs: list[ProtocolRun], variants: list[str]) -> tuple[np.ndarray, np.ndarray]:
    labels = np.concatenate([r.labels for r in runs for _ in variants])
    proba = np.vstack([r.proba[v] for r in runs for v in variants])
    return labels, proba


def choose_threshold(
    runs: list[ProtocolRun],
    *,
    choose_seeds: list[int],
    variants: list[str] = ("whole",),
    min_accuracy: float = SUGGESTION_TARGET,
) -> dict:
    """The lowest threshold from which on ≥ `min_accuracy` of automatic decisions are right, chosen on
    the runs of `choose_seeds` (pooled) and confirmed on the other runs (figures at that threshold).

    `variants` pooled together: ["whole"] for messages, the short cuts for title-length text.
    """
    from classifier.evaluation import threshold_for_target

    variants = list(variants)
    chosen_runs = [r for r in runs if r.seed in choose_seeds]
    other_runs = [r for r in runs if r.seed not in choose_seeds]
    labels, proba = _pooled(chosen_runs, variants)
    classes = runs[0].classes
    best = threshold_for_target(coverage_table(labels, proba, classes, FINE_THRESHOLDS), min_accuracy=min_accuracy)
    out: dict = {"variants": variants, "min_accuracy": min_accuracy, "threshold": None}
    out["chosen_on"] = [r.seed for r in chosen_runs]
    out["confirmed_on"] = [r.seed for r in other_runs]
    if best is None:
        return out
    out["threshold"] = best["threshold"]
    out["chosen"] = {"coverage": best["coverage"], "accuracy": best["accuracy"]}
    if other_runs:
        labels, proba = _pooled(other_runs, variants)
        row = coverage_table(labels, proba, classes, [best["threshold"]])[0]
        out["confirmed"] = {"coverage": row["coverage"], "accuracy": row["accuracy"]}
    return out


def unseen_raw_report(
    texts: list[str],
    docs: list[str],
    labels,
    forms,
    groups,
    *,
    seeds: list[int],
    threshold: float,
    short_threshold: float | None,
    params: dict | None = None,
    progress=None,
    n_jobs: int = 1,
    short_docs: dict[str, list[str]] | None = None,
) -> dict:
    """The protocol over `seeds`: figures per variant at the configured thresholds, and the thresholds
    it suggests (chosen on the first half of the seeds, confirmed on the rest). `short_docs`: the
    rows' cuts if already segmented (shortcuts.short_docs_for with tokenized=True)."""
    seeds = list(seeds)
    if short_docs is None:
        short_docs = short_docs_for(texts, forms, tokenized=True)
    runs = [
        unseen_raw_run(
            docs, labels, forms, groups, short_docs=short_docs, seed=s, params=params, progress=progress, n_jobs=n_jobs
        )
        for s in seeds
    ]
    choose = seeds[: max(1, len(seeds) // 2)]
    report = {"whole": summary(runs, threshold=threshold, variants=["whole"])["whole"]}
    short_at = threshold if short_threshold is None else max(threshold, short_threshold)
    report.update(summary(runs, threshold=short_at, variants=SHORT_VARIANTS))
    report["seeds"] = seeds
    report["suggested"] = {
        "threshold": choose_threshold(runs, choose_seeds=choose),
        "short_threshold": choose_threshold(runs, choose_seeds=choose, variants=SHORT_VARIANTS),
    }
    for name in ["whole", *SHORT_VARIANTS]:
        report[name]["auto_threshold"] = threshold if name == "whole" else short_at
    return report
