"""Classifier figures. Run: `.venv/bin/python bench/classifier.py [--skip-cv] [--seeds 0,1,2,3]`.

Needs no database: it trains in memory on fixtures/complaints_train.csv and the operator summaries of
settings.CLASSIFIER_SUMMARY_CSVS (training.shipped_examples, what train_classifier uses) with the production Pipeline
(classifier.pipeline.build_pipeline) and predicts through the production code (services.predict_with).

Prints:
  1. stratified 5-fold CV, near-duplicates grouped and plain: accuracy, macro-F1, top-3, calibration
     error, and coverage/accuracy at the default auto-dispatch threshold;
  2. the unseen-raw protocol (classifier/protocol.py) beside it, on whole raw messages and on their
     first 20/30/40 characters and first sentence, with the thresholds it suggests (chosen on the
     first half of the seeds, confirmed on the rest);
  3. the operator summaries of fixtures/classifier/short_summaries.csv (never trained on; looked at
     while tuning) and, with --fresh, of short_summaries_fresh.csv (held back until issue 11's second
     round read its errors: now a tuning set too), with --fresh2 of short_summaries_fresh2.csv (held back),
     with --fresh3 of short_summaries_fresh3.csv (written by another engineer, labelled by the taxonomy;
     held back), with --fresh4 of short_summaries_fresh4.csv (the same, 140 summaries, 20 per label),
     with --fresh5 of short_summaries_fresh5.csv (the same again), with --fresh6 of
     short_summaries_fresh6.csv (the same again; run once), with --fresh7 of short_summaries_fresh7.csv
     (the same again; the unseen one);
  4. full training time (segmentation with the short cuts + final fit, what `train_classifier --no-cv`
     does) and CV time;
  5. latency of one classify call on ~200-character raw complaints (p50/p99, one thread);
  6. batch throughput on one core (texts/s) beside a plain jieba + tf-idf + LinearSVC baseline in the
     same run (passes alternate; rates by the process's CPU time, which other processes on a shared
     machine do not inflate, and by the wall clock);
  7. the artifact's size (joblib, compressed as the registry saves it), its feature count, and the
     resident memory a process gains by loading it and classifying once (measured in a fresh process).
"""

import os

# One core for the throughput figure: no BLAS threads (sparse linear models barely use them anyway).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402

from classifier import protocol, services, shortcuts, text, training  # noqa: E402
from classifier.evaluation import auto_block, coverage_table, scores, threshold_for_target  # noqa: E402
from classifier.registry import LoadedModel  # noqa: E402
from classifier.report import format_unseen_raw  # noqa: E402

LATENCY_CALLS = 1000
THROUGHPUT_TEXTS = 3000
THROUGHPUT_PASSES = 3  # another process on the machine slows a pass; the best is the machine's own speed


def _cv(docs, labels, *, groups, name, short_docs):
    started = time.perf_counter()
    proba, classes = training.cross_validate(docs, labels, groups=groups, short_docs=short_docs)
    seconds = time.perf_counter() - started
    result = scores(labels, proba, classes)
    threshold = services.threshold_for("")
    auto = coverage_table(labels, proba, classes, thresholds=[threshold])[0]
    suggested = threshold_for_target(result["coverage"], min_accuracy=0.97)
    print(
        f"CV {name:<26} accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}  "
        f"top-3 {result['top3_accuracy']:.4f}  ECE {result['reliability']['expected_calibration_error']:.4f}  "
        f"({seconds:.0f} s)"
    )
    print(
        f"   at the default threshold {threshold:.2f}: {auto['coverage']:.1%} automatic, "
        f"{auto['accuracy']:.2%} of those correct; lowest threshold with ≥ 97 % from there on: "
        f"{suggested['threshold'] if suggested else 'none'}"
    )
    print(
        "   threshold coverage accuracy: "
        + "  ".join(f"{row['threshold']:.2f} {row['coverage']:.3f}/{row['accuracy']:.3f}" for row in result["coverage"])
    )
    result["auto"] = auto
    return result


def _summaries(model, name="short_summaries.csv"):
    """Operator summaries (10-40 characters), through predict_with as classify would see them."""
    rows = training.examples_from_csv(text.fixtures_dir() / name)
    texts, labels = [r.text for r in rows], [r.label for r in rows]
    predictions = services.predict_with(model, texts, k=len(model.classes))
    order = {c: i for i, c in enumerate(model.classes)}
    proba = np.zeros((len(texts), len(model.classes)))
    for i, p in enumerate(predictions):
        for score in p.categories:
            proba[i, order[score.code]] = score.probability
    result = scores(labels, proba, model.classes)
    auto = auto_block(labels, proba, model.classes, [p.threshold for p in predictions])
    trained = " (TRAINED ON: not a measurement)" if name in {p.name for p in settings.CLASSIFIER_SUMMARY_CSVS} else ""
    print(
        f"operator summaries ({len(texts)}, fixtures/classifier/{name}){trained}: accuracy "
        f"{result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}; at the configured thresholds "
        f"{auto['coverage']:.1%} automatic, "
        + ("-" if auto["accuracy"] is None else f"{auto['accuracy']:.2%}")
        + " of those correct"
    )


def _typical_texts(rows, *, n: int) -> list[str]:
    """Raw complaints cut to ~200 characters (production text is raw; most rows are longer)."""
    raw = [r.text for r in rows if len(r.text) >= 200]
    rng = np.random.default_rng(0)
    picks = rng.choice(len(raw), size=n, replace=len(raw) < n)
    return [raw[i][:200] for i in picks]


def _rate(predict, texts) -> tuple[float, float]:
    """(texts/s by CPU time, texts/s by the wall clock) of `predict` over `texts` in chunks of 500."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(0, len(texts), 500):
        predict(texts[i : i + 500])
    return len(texts) / (time.process_time() - cpu), len(texts) / (time.perf_counter() - wall)


def _baseline(examples):
    """A plain jieba (default HMM cut) + word tf-idf + LinearSVC, trained on the same rows."""
    import logging

    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    baseline = make_pipeline(TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, lowercase=False), LinearSVC())
    return baseline.fit([e.text for e in examples], [e.label for e in examples])


_MEMORY_PROBE = """
import os, sys, django
sys.path.insert(0, sys.argv[2]); os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
import joblib
from classifier import services, text
from classifier.registry import LoadedModel
text.get_tokenizer()
def rss():
    return int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) / 1024
before = rss()
text.preprocess("小区楼顶水箱长年不清洗，自来水有霉味")  # jieba builds its search tables on the first cut
warm = rss()
model = LoadedModel.from_pipeline(version="bench", pipeline=joblib.load(sys.argv[1]))
services.predict_with(model, ["小区楼顶水箱长年不清洗，自来水有霉味"])
print(f"{rss() - before:.1f} {warm - before:.1f}")
"""


def _artifact_figures(pipeline):
    """Artifact size, feature count and the memory a fresh process gains by loading and using it."""
    import joblib

    n_features = sum(len(t.idf_) for _, t in pipeline.named_steps["features"].transformer_list)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        joblib.dump(pipeline, path, compress=3)  # as registry.artifact_save does
        size = path.stat().st_size / 1e6
        probe = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(path), str(ROOT)],
            capture_output=True,
            text=True,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )
    if probe.returncode == 0:
        total, first_cut = (float(x) for x in probe.stdout.strip().splitlines()[-1].split())
        memory = (
            f"{total:.1f} MB, of which {first_cut:.1f} MB jieba's first cut and {total - first_cut:.1f} MB the model"
        )
    else:
        memory = f"failed: {probe.stderr[-300:]}"
    print(
        f"artifact: {size:.1f} MB (joblib, compress=3), {n_features:,} features; resident memory gained by "
        f"classifying once after loading the tokenizer: {memory} (target: ≤ 18.3 MB artifact, ≤ 128 MB)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-cv", action="store_true", help="no CV and no protocol: timings and summaries only")
    parser.add_argument("--seeds", default="0,1,2,3", help="split seeds of the unseen-raw protocol")
    parser.add_argument(
        "--cv",
        choices=["both", "grouped", "none"],
        default="both",
        help="grouped only: half the CV time on a busy machine; none: the unseen-raw protocol without CV",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="also score short_summaries_fresh.csv: the held-back set, run once per change, never to tune",
    )
    parser.add_argument(
        "--fresh2",
        action="store_true",
        help="also score short_summaries_fresh2.csv (issue 11's second held-back set: run once per change, never to tune)",
    )
    parser.add_argument(
        "--fresh3",
        action="store_true",
        help="also score short_summaries_fresh3.csv (held back: written by another engineer, labelled by the taxonomy)",
    )
    parser.add_argument(
        "--fresh4",
        action="store_true",
        help="also score short_summaries_fresh4.csv (written by another engineer; run once on two models)",
    )
    parser.add_argument(
        "--fresh5",
        action="store_true",
        help="also score short_summaries_fresh5.csv (written by another engineer; run once on two models)",
    )
    parser.add_argument(
        "--fresh6",
        action="store_true",
        help="also score short_summaries_fresh6.csv (written by another engineer; run once on the final model)",
    )
    parser.add_argument(
        "--fresh7",
        action="store_true",
        help="also score short_summaries_fresh7.csv (the unseen set: written by another engineer, run once per change)",
    )
    args = parser.parse_args()

    examples = training.shipped_examples()
    labels = np.array([e.label for e in examples], dtype=object)
    print(f"training data: {len(examples)} rows, {len(set(labels))} categories")

    text.get_tokenizer()  # jieba's one-off start-up (~1 s) is not part of training or prediction
    started = time.perf_counter()
    docs = training.preprocess_all([e.text for e in examples])
    forms = [e.form for e in examples]
    short_docs = shortcuts.short_docs_for([e.text for e in examples], forms, tokenized=True)
    segmentation = time.perf_counter() - started

    if not args.skip_cv:
        started = time.perf_counter()
        groups = training.near_duplicate_groups(docs)
        grouping = time.perf_counter() - started
        print(f"near-duplicate groups: {len(set(groups))} for {len(docs)} rows ({grouping:.1f} s)")
        evaluations = {}
        if args.cv != "none":
            name = "grouped (near-dups)"
            evaluations["cv_grouped"] = _cv(docs, labels, groups=groups, name=name, short_docs=short_docs)
        if args.cv == "both":
            evaluations["cv_plain"] = _cv(docs, labels, groups=None, name="plain stratified", short_docs=short_docs)
        seeds = [int(x) for x in args.seeds.split(",")]
        started = time.perf_counter()
        report = protocol.unseen_raw_report(
            [e.text for e in examples],
            docs,
            labels,
            forms,
            groups,
            seeds=seeds,
            threshold=services.threshold_for(""),
            short_threshold=settings.CLASSIFIER_SHORT_TEXT_THRESHOLD,
            n_jobs=2,
            short_docs=short_docs,
        )
        print(f"\nunseen-raw protocol, {len(seeds)} seeds × 5 folds ({time.perf_counter() - started:.0f} s):")
        print(format_unseen_raw(report, evaluations=evaluations))
        for name in ["whole", *protocol.SHORT_VARIANTS]:
            per_seed = "  ".join(
                f"seed {s}: {r['accuracy']:.4f}/{r['macro_f1']:.4f} auto {r['auto_coverage']:.3f}/"
                + ("-" if r["auto_accuracy"] is None else f"{r['auto_accuracy']:.4f}")
                for s, r in zip(report["seeds"], report[name]["per_seed"], strict=True)
            )
            print(f"   {name:<9} acc/macro-F1 per seed: {per_seed}")
        print()

    started = time.perf_counter()
    pipeline = training.build_pipeline(n_jobs=2)
    training.fit_on_tokens(pipeline, docs, labels, short_docs=short_docs)
    fit = time.perf_counter() - started
    print(
        f"full training: {segmentation + fit:.1f} s (segmentation {segmentation:.1f} s + fit {fit:.1f} s; "
        "target ≤ 120 s)"
    )

    model = LoadedModel.from_pipeline(version="bench", pipeline=pipeline)
    _summaries(model)
    for flag in ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7"):
        if getattr(args, flag):
            _summaries(model, f"short_summaries_{flag}.csv")
    typical = _typical_texts(examples, n=LATENCY_CALLS)
    services.predict_with(model, typical[:20])  # warm-up
    wall, cpu = [], []
    for t in typical:
        started, started_cpu = time.perf_counter(), time.process_time()
        services.predict_with(model, [t])
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    (p50, p99), (c50, c99) = np.percentile(wall, [50, 99]), np.percentile(cpu, [50, 99])
    print(
        f"classify latency on {LATENCY_CALLS} ~200-char complaints: p50 {p50:.2f} ms, p99 {p99:.2f} ms by the wall "
        f"clock; CPU time p50 {c50:.2f} ms, p99 {c99:.2f} ms (target p99 ≤ 5 ms)"
    )

    batch = _typical_texts(examples, n=THROUGHPUT_TEXTS)
    baseline = _baseline(examples)
    ours = lambda chunk: services.predict_with(model, chunk)  # noqa: E731
    rates = {"classify": [], "baseline": []}
    for _ in range(THROUGHPUT_PASSES):
        for name, predict in (("classify", ours), ("baseline", baseline.predict)):
            rates[name].append(_rate(predict, batch))
    for name, label in (("classify", "classify_many (production)"), ("baseline", "plain baseline")):
        cpu, wall = max(r[0] for r in rates[name]), max(r[1] for r in rates[name])
        print(
            f"batch throughput, one core, {label:<27}: best of {THROUGHPUT_PASSES} passes over {len(batch)} texts: {cpu:,.0f} texts/s by CPU time, {wall:,.0f} by the wall clock"
        )
    ratio = max(r[0] for r in rates["classify"]) / max(r[0] for r in rates["baseline"])
    print(f"   classify / baseline (CPU time): {ratio:.2f} (target ≥ 0.9; and ≥ 1,500 texts/s)")
    _artifact_figures(pipeline)
    print(f"machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
