"""The training report written into the artifact folder: report.json, report.md, confusion.png."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from classifier.evaluation import format_scores

logger = logging.getLogger(__name__)


def _cjk_font_name() -> str | None:
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if "CJK" in font.name and ("SC" in font.name or "JP" in font.name or "Sans" in font.name):
            return font.name
    return None


def confusion_png(path: Path, *, labels: list[str], matrix: list[list[int]], title: str) -> bool:
    """Draw the confusion matrix (rows: true, columns: predicted). False if matplotlib cannot draw."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is in requirements.txt
        return False
    font = _cjk_font_name()
    rc = {"font.family": [font, "sans-serif"]} if font else {}
    with plt.rc_context(rc):
        size = max(5.0, 0.8 * len(labels) + 2)
        fig, ax = plt.subplots(figsize=(size, size))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels=labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels=labels)
        ax.set_xlabel("预测 predicted")
        ax.set_ylabel("实际 true")
        ax.set_title(title)
        top = max((max(r) for r in matrix), default=0)
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                color = "white" if top and value > top / 2 else "black"
                ax.text(j, i, str(value), ha="center", va="center", color=color, fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return True


def format_unseen_raw(report: dict, *, evaluations: dict[str, dict] | None = None) -> str:
    """CV beside the unseen-raw protocol (mean over its seeds), the short cuts, and its suggested thresholds."""
    lines = [
        f"{'evaluation':<22} {'n':>5} {'accuracy':>8} {'macro-F1':>8} {'ECE':>6} {'threshold':>9} {'auto':>6} {'right':>6}"
    ]
    for name, result in (evaluations or {}).items():
        at = result.get("auto") or {}
        lines.append(
            f"{name:<22} {result['n']:>5} {result['accuracy']:>8.4f} {result['macro_f1']:>8.4f} "
            f"{result['reliability']['expected_calibration_error']:>6.4f} {at.get('threshold', 0):>9.2f} "
            f"{at.get('coverage', 0):>6.3f} {at.get('accuracy') or 0:>6.4f}"
        )
    for name, fig in report.items():
        if not isinstance(fig, dict) or "accuracy" not in fig:
            continue
        lines.append(
            f"{'unseen raw ' + name:<22} {fig['n']:>5} {fig['accuracy']:>8.4f} {fig['macro_f1']:>8.4f} "
            f"{fig['ece']:>6.4f} {fig['auto_threshold']:>9.2f} {fig['auto_coverage']:>6.3f} {fig['auto_accuracy'] or 0:>6.4f}"
        )
    lines.append(f"(unseen raw: mean over split seeds {report['seeds']})")
    for key, label in (("threshold", "whole messages"), ("short_threshold", "short texts")):
        s = report["suggested"][key]
        if s.get("threshold") is None:
            lines.append(f"suggested threshold for {label}: none reaches {s['min_accuracy']:.0%}")
            continue
        line = (
            f"suggested threshold for {label}: {s['threshold']:.2f} (chosen on seeds {s['chosen_on']}: "
            f"{s['chosen']['coverage']:.3f} automatic, {s['chosen']['accuracy']:.4f} right"
        )
        if "confirmed" in s:
            c = s["confirmed"]
            line += (
                f"; confirmed on seeds {s['confirmed_on']}: {c['coverage']:.3f} automatic, {c['accuracy']:.4f} right"
            )
        lines.append(line + ")")
    return "\n".join(lines)


def write_report(folder: Path, *, metadata: dict, evaluations: dict[str, dict], unseen_raw: dict | None = None) -> None:
    """`evaluations`: name ("cv_grouped", "cv_plain") → evaluation.scores(...) result; `unseen_raw`:
    protocol.unseen_raw_report(...) when the protocol ran."""
    (folder / "report.json").write_text(
        json.dumps(
            {"metadata": metadata, "evaluations": evaluations, "unseen_raw": unseen_raw}, ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
    lines = [f"# Classifier {metadata['version']}", ""]
    lines += [
        f"- examples: {metadata['n_examples']} ({', '.join(f'{k}: {v}' for k, v in metadata['sources'].items())})"
    ]
    lines += [f"- training data sha256: {metadata['data_hash']}", f"- parameters: {json.dumps(metadata['params'])}"]
    for key, seconds in metadata.get("timings", {}).items():
        lines.append(f"- {key}: {seconds:.1f} s")
    if metadata.get("suggested_threshold"):
        lines.append(
            f"- suggested auto-dispatch threshold (≥ 97 % correct on grouped CV): {metadata['suggested_threshold']}"
        )
    if unseen_raw:
        lines += [
            "",
            "## CV and the unseen-raw protocol",
            "",
            "```",
            format_unseen_raw(unseen_raw, evaluations=evaluations),
            "```",
        ]
    for name, result in evaluations.items():
        lines += ["", f"## {name}", "", "```", format_scores(result), "```"]
    (folder / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    headline = evaluations.get("cv_grouped") or next(iter(evaluations.values()), None)
    if headline:
        cm = headline["confusion_matrix"]
        confusion_png(
            folder / "confusion.png",
            labels=cm["labels"],
            matrix=cm["matrix"],
            title=f"{metadata['version']} accuracy {headline['accuracy']:.3f} macro-F1 {headline['macro_f1']:.3f}",
        )
