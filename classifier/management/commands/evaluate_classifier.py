"""Evaluate the active model on any labelled CSV (texts as a caller would say them)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from classifier.evaluation import format_auto, format_scores
from classifier.services import evaluate_texts
from classifier.training import examples_from_csv
from common.errors import ApplicationError


class Command(BaseCommand):
    help = "Accuracy, macro-F1, per-category report, top-3 and the coverage/accuracy table on a CSV (text,label[,title,id])."

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, help="CSV with a header holding text and label")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the figures as JSON")

    def handle(self, *args, data, as_json: bool, **options):
        try:
            examples = examples_from_csv(Path(data))
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not examples:
            raise CommandError(f"{data}: no rows with both text and label")
        try:
            version, result = evaluate_texts(texts=[e.text for e in examples], labels=[e.label for e in examples])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if as_json:
            self.stdout.write(json.dumps({"model_version": version, **result}, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"model {version} on {data}\n{format_scores(result)}\n\n{format_auto(result['auto'])}")
