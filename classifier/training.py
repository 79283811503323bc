"""Training: examples from each source, the final fit, the report, registration.

The Pipeline and its parameters are in classifier/pipeline.py, cross-validation and near-duplicate
groups in classifier/validation.py (both re-exported here, where callers have always found them).
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

from classifier import protocol, shortcuts
from classifier import text as textmod
from classifier.pipeline import DEFAULT_PARAMS, build_pipeline, catalogue_docs, fit_on_tokens
from classifier.validation import NEAR_DUPLICATE_COSINE, cross_validate, near_duplicate_groups, preprocess_all

__all__ = [
    "DEFAULT_PARAMS",
    "NEAR_DUPLICATE_COSINE",
    "Example",
    "TrainResult",
    "build_pipeline",
    "cross_validate",
    "data_hash",
    "examples_from_csv",
    "examples_from_extra_sources",
    "shipped_examples",
    "fit_on_tokens",
    "near_duplicate_groups",
    "preprocess_all",
    "source_counts",
    "train_and_register",
    "training_csv_path",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str
    form: str = "raw"  # "tokenized": published already segmented, stopwords removed (fixtures/README.md)


def training_csv_path() -> Path:
    return Path(settings.CLASSIFIER_TRAINING_CSV)


def examples_from_csv(path: Path, *, source: str | None = None) -> list[Example]:
    """Rows of a CSV with `text` and `label` (optional `title`, prepended; optional `form`, default raw)."""
    name = source or path.name
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"text", "label"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: the header lacks {', '.join(sorted(missing))}")
        examples = []
        for row in reader:
            body = (row.get("text") or "").strip()
            title = (row.get("title") or "").strip()
            label = (row.get("label") or "").strip()
            if (body or title) and label:
                form = (row.get("form") or "raw").strip() or "raw"
                examples.append(Example(text=f"{title} {body}".strip(), label=label, source=name, form=form))
        return examples


def shipped_examples() -> list[Example]:
    """The shipped training rows: the configured complaints CSV and the operator summaries of
    `CLASSIFIER_SUMMARY_CSVS` (form "summary": trained on, never scored as raw messages)."""
    path = training_csv_path()
    examples = examples_from_csv(path, source=path.name)
    for summaries in settings.CLASSIFIER_SUMMARY_CSVS:
        examples += [
            Example(text=ex.text, label=ex.label, source=ex.source, form="summary")
            for ex in examples_from_csv(summaries)
        ]
    return examples


def examples_from_extra_sources(
    paths: Iterable[str] | None = None, *, say: Callable[[str], None] = logger.info
) -> list[Example]:
    """Examples from `CLASSIFIER_EXTRA_SOURCES` callables returning (text, category_code) pairs.

    A source that cannot be imported (its app not there yet) is skipped with a message, never an error.
    """
    if paths is None:
        paths = settings.CLASSIFIER_EXTRA_SOURCES
    examples: list[Example] = []
    for dotted in paths:
        try:
            source = import_string(dotted)
        except ImportError as exc:
            say(f"skipped source {dotted}: {exc}")
            continue
        count = 0
        for text, label in source():
            if text and label:
                examples.append(Example(text=str(text), label=str(label), source=dotted))
                count += 1
        if count == 0:
            say(f"source {dotted}: no examples")
    return examples


def data_hash(examples: list[Example]) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps([ex.text, ex.label], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def source_counts(examples: list[Example]) -> dict[str, int]:
    return dict(Counter(ex.source for ex in examples))


@dataclass
class TrainResult:
    version: object  # classifier.models.ModelVersion
    folder: Path
    metadata: dict
    evaluations: dict
    unseen_raw: dict | None = None


def _scores_summary(evaluations: dict[str, dict]) -> dict:
    """Headline figures at the top level (grouped CV when it ran), each run's figures by name."""
    summary: dict = {}
    for name, result in evaluations.items():
        at = result["auto"]
        summary[name] = {
            "accuracy": result["accuracy"],
            "macro_f1": result["macro_f1"],
            "top3_accuracy": result["top3_accuracy"],
            "ece": result["reliability"]["expected_calibration_error"],
            "coverage": result["coverage"],
            "auto_threshold": at["threshold"],
            "auto_coverage": at["coverage"],
            "auto_accuracy": at["accuracy"],
        }
    headline = "cv_grouped" if "cv_grouped" in summary else next(iter(summary), None)
    if headline:
        summary.update({k: v for k, v in summary[headline].items() if k != "coverage"}, headline=headline)
    return summary


def _unseen_raw_summary(report: dict) -> dict:
    """The protocol's mean figures per variant (without the per-seed detail) and its suggestions."""
    out = {
        name: {k: v for k, v in figures.items() if k != "per_seed"}
        for name, figures in report.items()
        if isinstance(figures, dict) and "accuracy" in figures
    }
    return out | {"seeds": report["seeds"], "suggested": report["suggested"]}


def _version_name(data_digest: str) -> str:
    """ "<local time>-<data hash prefix>", with -2, -3… when two runs land in the same second."""
    from django.utils import timezone

    from classifier import registry
    from classifier.models import ModelVersion

    base = f"{timezone.now().astimezone(timezone.get_current_timezone()):%Y%m%d-%H%M%S}-{data_digest[:6]}"
    name, n = base, 1
    while registry.artifact_path(name).exists() or ModelVersion.objects.filter(version=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def train_and_register(
    *,
    examples: list[Example],
    cv: str = "both",
    activate: bool = True,
    params: dict | None = None,
    unseen_raw_seeds: Sequence[int] = (),
    progress: Callable[..., object] | None = None,
    say: Callable[[str], None] = logger.info,
) -> TrainResult:
    """Segment, cross-validate (cv: "grouped", "plain", "both" or "none"), fit on everything, save, register.

    `unseen_raw_seeds`: also run the unseen-raw protocol (classifier/protocol.py) with these split
    seeds; its figures go beside CV in the report and metadata, and its threshold is the one suggested.
    `progress(total=…, desc=…)` returns a tqdm-like object (update/close); None shows nothing.
    """
    import time

    from classifier import registry, services
    from classifier.evaluation import coverage_table, scores, threshold_for_target
    from classifier.report import write_report

    if len({ex.label for ex in examples}) < 2:
        raise ValueError("training needs at least two categories")
    params = {**DEFAULT_PARAMS, **(params or {})}
    texts = [ex.text for ex in examples]
    labels = np.array([ex.label for ex in examples], dtype=object)
    timings: dict[str, float] = {}
    auto_threshold = services.threshold_for("")  # the global setting

    def bar(total, desc):
        return progress(total=total, desc=desc) if progress else None

    started = time.perf_counter()
    b = bar(len(texts), "segmenting")
    docs = preprocess_all(texts, progress=b)
    if b:
        b.close()
    forms = [ex.form for ex in examples]
    # the title-length cuts that training adds as rows (classifier/shortcuts.py, params "short_copies")
    short_docs = shortcuts.short_docs_for(texts, forms, tokenized=True) if params["short_copies"] else None
    timings["segmentation_seconds"] = time.perf_counter() - started

    evaluations: dict[str, dict] = {}
    modes = {"both": ["grouped", "plain"], "none": []}.get(cv, [cv])
    for mode in modes:
        started = time.perf_counter()
        groups = near_duplicate_groups(docs) if mode == "grouped" else None
        if groups is not None:
            say(f"near-duplicate groups: {len(set(groups))} groups for {len(docs)} rows")
        b = bar(5, f"5-fold CV ({mode})")
        proba, classes = cross_validate(docs, labels, params=params, groups=groups, progress=b, short_docs=short_docs)
        if b:
            b.close()
        evaluations[f"cv_{mode}"] = scores(labels, proba, classes)
        # at the configured global threshold (per-category overrides are not applied here)
        evaluations[f"cv_{mode}"]["auto"] = coverage_table(labels, proba, classes, thresholds=[auto_threshold])[0]
        timings[f"cv_{mode}_seconds"] = time.perf_counter() - started

    unseen_raw = None
    if unseen_raw_seeds and forms.count("raw") >= 10:
        started = time.perf_counter()
        b = bar(5 * len(unseen_raw_seeds), "unseen-raw protocol")
        unseen_raw = protocol.unseen_raw_report(
            texts,
            docs,
            labels,
            forms,
            near_duplicate_groups(docs),
            seeds=list(unseen_raw_seeds),
            threshold=auto_threshold,
            short_threshold=settings.CLASSIFIER_SHORT_TEXT_THRESHOLD,
            params=params,
            progress=b,
            n_jobs=settings.CLASSIFIER_TRAIN_JOBS,
            short_docs=short_docs or shortcuts.short_docs_for(texts, forms, tokenized=True),
        )
        if b:
            b.close()
        timings["unseen_raw_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    b = bar(1, "final fit")
    pipeline = build_pipeline(params, n_jobs=settings.CLASSIFIER_TRAIN_JOBS)
    fit_on_tokens(pipeline, docs, labels, short_docs=short_docs, params=params)
    if b:
        b.update(1)
        b.close()
    timings["final_fit_seconds"] = time.perf_counter() - started

    digest = data_hash(examples)
    headline = evaluations.get("cv_grouped") or evaluations.get("cv_plain")
    suggested = threshold_for_target(headline["coverage"], min_accuracy=0.97) if headline else None
    if unseen_raw is not None:
        suggested = unseen_raw["suggested"]["threshold"]
    metadata = {
        "version": _version_name(digest),
        "categories": [str(c) for c in pipeline.classes_],
        "n_examples": len(examples),
        "catalogue_rows": len(catalogue_docs(set(labels))[0]) if params.get("catalogue_rows") else 0,
        "sources": source_counts(examples),
        "data_hash": digest,
        "text_resources": textmod.resources_fingerprint(),
        "params": params,
        "scores": _scores_summary(evaluations)
        | ({"unseen_raw": _unseen_raw_summary(unseen_raw)} if unseen_raw else {}),
        "suggested_threshold": suggested["threshold"] if suggested else None,
        "suggested_short_threshold": unseen_raw["suggested"]["short_threshold"]["threshold"] if unseen_raw else None,
        "timings": timings,
    }
    folder = registry.artifact_save(version=metadata["version"], pipeline=pipeline, metadata=metadata)
    metadata = registry.artifact_metadata(metadata["version"])
    write_report(folder, metadata=metadata, evaluations=evaluations, unseen_raw=unseen_raw)
    version = services.model_version_register(metadata=metadata, activate=activate)
    return TrainResult(
        version=version, folder=folder, metadata=metadata, evaluations=evaluations, unseen_raw=unseen_raw
    )
