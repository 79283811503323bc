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


def write_report(folder: Path, *, metadata: dict, evaluations: dict[str, dict]) -> None:
    """`evaluations`: name ("cv_grouped", "cv_plain") → evaluation.scores(...) result."""
    (folder / "report.json").write_text(
        json.dumps({"metadata": metadata, "evaluations": evaluations}, ensure_ascii=False, indent=2),
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
