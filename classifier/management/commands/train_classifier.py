"""Train a classifier version: segment, cross-validate, fit, write the report, register, activate."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from classifier import training
from classifier.evaluation import format_scores
from classifier.models import ModelVersion


class Command(BaseCommand):
    help = "Train the complaint classifier on fixtures/complaints_train.csv (+ confirmed tickets) and activate it."

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="do nothing when a model is already active")
        parser.add_argument("--no-activate", action="store_true", help="register the version without activating it")
        parser.add_argument(
            "--cv",
            choices=["grouped", "plain", "both", "none"],
            help="cross-validation: near-duplicates grouped, plain stratified, both (default) or none; "
            "with --if-missing the default is grouped only (a first `make run` should not wait for both)",
        )
        parser.add_argument("--no-cv", action="store_true", help="same as --cv none (quick demos and tests)")
        parser.add_argument("--data", help="training CSV (default: fixtures/complaints_train.csv)")
        parser.add_argument("--no-extra-sources", action="store_true", help="only the CSV")
        parser.add_argument("--C", type=float, dest="C", help="SVM regularisation (default from training.py)")

    def handle(self, *args, **opts):
        if opts["if_missing"] and ModelVersion.objects.filter(is_active=True).exists():
            active = ModelVersion.objects.get(is_active=True)
            self.stdout.write(f"active model {active.version} exists; nothing to do")
            return
        from pathlib import Path

        path = Path(opts["data"]) if opts["data"] else training.training_csv_path()
        try:
            examples = training.examples_from_csv(path, source=path.name)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not opts["no_extra_sources"]:
            examples += training.examples_from_extra_sources(say=self.stdout.write)
        for source, count in training.source_counts(examples).items():
            self.stdout.write(f"examples from {source}: {count}")
        params = {"C": opts["C"]} if opts["C"] else None
        try:
            result = training.train_and_register(
                examples=examples,
                cv="none" if opts["no_cv"] else (opts["cv"] or ("grouped" if opts["if_missing"] else "both")),
                activate=not opts["no_activate"],
                params=params,
                progress=lambda **kw: tqdm(file=sys.stderr, leave=False, mininterval=1.0, **kw),
                say=self.stdout.write,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name, evaluation in result.evaluations.items():
            self.stdout.write(f"\n== {name} ==\n{format_scores(evaluation)}")
        timings = ", ".join(f"{k.removesuffix('_seconds')} {v:.1f} s" for k, v in result.metadata["timings"].items())
        self.stdout.write(f"\ntimes: {timings}")
        if result.metadata.get("suggested_threshold") is not None:
            self.stdout.write(f"lowest threshold with ≥ 97 % correct: {result.metadata['suggested_threshold']:.2f}")
        state = "active" if result.version.is_active else "registered (not active)"
        self.stdout.write(self.style.SUCCESS(f"model {result.version.version} {state}; report in {result.folder}"))
