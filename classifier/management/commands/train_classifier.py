"""Train a classifier version: segment, cross-validate, fit, write the report, register, activate."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from classifier import training
from classifier.evaluation import format_scores
from classifier.models import ModelVersion
from classifier.report import format_unseen_raw


class Command(BaseCommand):
    help = "Train the complaint classifier on fixtures/complaints_train.csv (+ confirmed tickets) and activate it."

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="do nothing when a model is already active")
        parser.add_argument("--no-activate", action="store_true", help="register the version without activating it")
        parser.add_argument(
            "--cv",
            choices=["grouped", "plain", "both", "none"],
            help="cross-validation: near-duplicates grouped, plain stratified, both (default) or none; "
            "with --if-missing the default is none (a first `make run` should not wait for CV)",
        )
        parser.add_argument(
            "--unseen-raw",
            metavar="SEEDS",
            help="also run the unseen-raw protocol with these split seeds, e.g. 0,1,2,3 (its threshold is "
            "chosen on the first half and confirmed on the rest)",
        )
        parser.add_argument(
            "--full-report", action="store_true", help="both CVs and the unseen-raw protocol on seeds 0-3 (slow)"
        )
        parser.add_argument("--no-cv", action="store_true", help="same as --cv none (quick demos and tests)")
        parser.add_argument(
            "--data", help="training CSV alone (default: fixtures/complaints_train.csv and the operator summaries)"
        )
        parser.add_argument("--no-extra-sources", action="store_true", help="only the CSV")
        parser.add_argument("--C", type=float, dest="C", help="SVM regularisation (default from training.py)")

    def handle(self, *args, **opts):
        if opts["if_missing"] and ModelVersion.objects.filter(is_active=True).exists():
            active = ModelVersion.objects.get(is_active=True)
            self.stdout.write(f"active model {active.version} exists; nothing to do")
            return
        from pathlib import Path

        try:
            if opts["data"]:
                path = Path(opts["data"])
                examples = training.examples_from_csv(path, source=path.name)
            else:
                examples = training.shipped_examples()
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not opts["no_extra_sources"]:
            examples += training.examples_from_extra_sources(say=self.stdout.write)
        for source, count in training.source_counts(examples).items():
            self.stdout.write(f"examples from {source}: {count}")
        params = {"C": opts["C"]} if opts["C"] else None
        seeds = [0, 1, 2, 3] if opts["full_report"] else []
        if opts["unseen_raw"]:
            try:
                seeds = [int(x) for x in opts["unseen_raw"].split(",") if x.strip()]
            except ValueError as exc:
                raise CommandError(f"--unseen-raw takes comma-separated integers: {exc}") from exc
        cv = opts["cv"] or ("none" if opts["if_missing"] else "both")
        if opts["no_cv"]:
            cv = "none"
        elif opts["full_report"]:
            cv = "both"
        try:
            result = training.train_and_register(
                examples=examples,
                cv=cv,
                activate=not opts["no_activate"],
                params=params,
                unseen_raw_seeds=seeds,
                progress=lambda **kw: tqdm(file=sys.stderr, leave=False, mininterval=1.0, **kw),
                say=self.stdout.write,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name, evaluation in result.evaluations.items():
            self.stdout.write(f"\n== {name} ==\n{format_scores(evaluation)}")
        if result.unseen_raw:
            self.stdout.write(
                f"\n== CV and the unseen-raw protocol ==\n{format_unseen_raw(result.unseen_raw, evaluations=result.evaluations)}"
            )
        timings = ", ".join(f"{k.removesuffix('_seconds')} {v:.1f} s" for k, v in result.metadata["timings"].items())
        self.stdout.write(f"\ntimes: {timings}")
        if result.metadata.get("suggested_threshold") is not None:
            basis = "unseen-raw protocol" if result.unseen_raw else "grouped CV"
            self.stdout.write(
                f"lowest threshold with ≥ 97 % correct ({basis}): {result.metadata['suggested_threshold']:.2f}"
            )
        state = "active" if result.version.is_active else "registered (not active)"
        self.stdout.write(self.style.SUCCESS(f"model {result.version.version} {state}; report in {result.folder}"))
