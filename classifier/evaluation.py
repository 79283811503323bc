"""Figures about predictions: the same numbers for cross-validation, `evaluate_classifier` and bench/.

Everything is computed from (true labels, probability matrix, class order), so the figures do not
depend on how the probabilities were produced and can be checked by hand in tests.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

COVERAGE_THRESHOLDS = tuple(round(0.50 + 0.05 * i, 2) for i in range(10))  # 0.50 … 0.95
RELIABILITY_BINS = 10


def coverage_table(y_true, proba, classes, thresholds=COVERAGE_THRESHOLDS) -> list[dict]:
    """For each threshold: the share of texts whose top probability reaches it, and accuracy on those."""
    y_true = np.asarray(y_true, dtype=object)
    classes = np.asarray(classes, dtype=object)
    confidence = proba.max(axis=1)
    predicted = classes[proba.argmax(axis=1)]
    rows = []
    for threshold in thresholds:
        covered = confidence >= threshold
        n = int(covered.sum())
        rows.append(
            {
                "threshold": float(threshold),
                "coverage": n / len(y_true) if len(y_true) else 0.0,
                "covered": n,
                "accuracy": float(np.mean(predicted[covered] == y_true[covered])) if n else None,
            }
        )
    return rows


def reliability_table(y_true, proba, classes, bins: int = RELIABILITY_BINS) -> dict:
    """Top-probability bins: how often a prediction made with confidence p was right (ideally ≈ p)."""
    y_true = np.asarray(y_true, dtype=object)
    classes = np.asarray(classes, dtype=object)
    confidence = proba.max(axis=1)
    correct = classes[proba.argmax(axis=1)] == y_true
    edges = np.linspace(0.0, 1.0, bins + 1)
    # bin b holds [b/bins, (b+1)/bins); 1.0 goes in the last bin; the epsilon keeps 0.6 out of 0.5-0.6
    index = np.clip(np.floor(confidence * bins + 1e-9).astype(int), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = index == b
        n = int(mask.sum())
        row = {"low": round(float(edges[b]), 4), "high": round(float(edges[b + 1]), 4), "count": n}
        row.update(confidence=None, accuracy=None)
        if n:
            row["confidence"] = float(confidence[mask].mean())
            row["accuracy"] = float(correct[mask].mean())
            ece += n / len(y_true) * abs(row["confidence"] - row["accuracy"])
        table.append(row)
    return {"bins": table, "expected_calibration_error": float(ece) if len(y_true) else None}


def top_k_accuracy(y_true, proba, classes, k: int = 3) -> float:
    classes = np.asarray(classes, dtype=object)
    top = np.argsort(-proba, axis=1)[:, :k]
    return float(np.mean([label in set(classes[row]) for label, row in zip(y_true, top, strict=True)]))


def threshold_for_target(table: list[dict], *, min_accuracy: float) -> dict | None:
    """The lowest threshold (most coverage) from which on every threshold is at least `min_accuracy` correct.

    "From which on": accuracy need not rise with the threshold on a small sample, and a threshold that
    meets the target only by luck between two that miss it is not one to rely on.
    """
    best = None
    for row in sorted(table, key=lambda r: r["threshold"], reverse=True):
        if row["accuracy"] is None:
            continue
        if row["accuracy"] < min_accuracy:
            break
        best = row
    return best


def auto_block(y_true, proba, classes, thresholds) -> dict:
    """What the configured thresholds do: the share of texts decided automatically and how many of those are right.

    `thresholds[i]` is the threshold that applies to text i (it depends on the predicted category and
    the text's length: services.threshold_for); a text is automatic when its top probability reaches it.
    """
    y_true = np.asarray(y_true, dtype=object)
    classes = np.asarray(classes, dtype=object)
    automatic = proba.max(axis=1) >= np.asarray(thresholds, dtype=float)
    n = int(automatic.sum())
    predicted = classes[proba.argmax(axis=1)]
    return {
        "n": len(y_true),
        "covered": n,
        "coverage": n / len(y_true) if len(y_true) else 0.0,
        "accuracy": float(np.mean(predicted[automatic] == y_true[automatic])) if n else None,
    }


def format_auto(auto: dict) -> str:
    acc = "-" if auto["accuracy"] is None else f"{auto['accuracy']:.4f}"
    return f"auto at the configured thresholds: coverage {auto['coverage']:.4f} ({auto['covered']}/{auto['n']}), accuracy {acc}"


def scores(y_true, proba, classes) -> dict:
    """Accuracy, macro-F1, per-category P/R/F1, top-3, confusion matrix, coverage and reliability."""
    y_true = np.asarray(y_true, dtype=object)
    classes = np.asarray(classes, dtype=object)
    predicted = classes[proba.argmax(axis=1)]
    labels = sorted(set(classes) | set(y_true))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, predicted, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, predicted)),
        # macro over the categories that occur in the data (a category with no true example and no
        # prediction would otherwise count as F1 = 0)
        "macro_f1": float(f1_score(y_true, predicted, labels=sorted(set(y_true)), average="macro", zero_division=0)),
        "top3_accuracy": top_k_accuracy(y_true, proba, classes, k=3),
        "per_category": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": {
            "labels": labels,
            "matrix": confusion_matrix(y_true, predicted, labels=labels).tolist(),
        },
        "coverage": coverage_table(y_true, proba, classes),
        "reliability": reliability_table(y_true, proba, classes),
    }


def format_scores(result: dict) -> str:
    """Plain-text report for the terminal and report.md."""
    lines = [
        f"examples: {result['n']}",
        f"accuracy: {result['accuracy']:.4f}",
        f"macro-F1: {result['macro_f1']:.4f}",
        f"top-3 accuracy: {result['top3_accuracy']:.4f}",
        "",
        f"{'category':<12} {'precision':>9} {'recall':>7} {'F1':>7} {'support':>8}",
    ]
    for label, row in result["per_category"].items():
        lines.append(
            f"{label:<12} {row['precision']:>9.4f} {row['recall']:>7.4f} {row['f1']:>7.4f} {row['support']:>8d}"
        )
    lines += ["", f"{'threshold':>9} {'coverage':>9} {'accuracy':>9}"]
    for row in result["coverage"]:
        acc = "-" if row["accuracy"] is None else f"{row['accuracy']:.4f}"
        lines.append(f"{row['threshold']:>9.2f} {row['coverage']:>9.4f} {acc:>9}")
    rel = result.get("reliability")
    if rel:
        lines += [
            "",
            f"reliability (ECE {rel['expected_calibration_error']:.4f}):",
            "  bin        n  confidence  accuracy",
        ]
        for b in rel["bins"]:
            if b["count"]:
                lines.append(
                    f"  {b['low']:.1f}-{b['high']:.1f} {b['count']:>6d} {b['confidence']:>10.4f} {b['accuracy']:>9.4f}"
                )
    return "\n".join(lines)
