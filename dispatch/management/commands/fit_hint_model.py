"""Fit the duplicate hints' model on the sets of calls we wrote and write fixtures/duplicate_hint_model.json
(dispatch.hint_fitting explains the pairs and the two variants)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from classifier.items import item_model
from dispatch.duplicates import HINT_THRESHOLD, hint_model_path
from dispatch.hint_fitting import (
    ITEM_FEATURES,
    WORD_FEATURES,
    calls,
    fit_variant,
    leave_one_set_out,
    load_call_set,
    pairs,
)

REPORT_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


class Command(BaseCommand):
    help = "Fit the duplicate hints' model on fixtures/duplicate_calls*.json sets; --report prints leave-one-set-out figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sets",
            nargs="+",
            help="set files under fixtures/ (default: the sets the shipped model names as fitted on)",
        )
        parser.add_argument("--out", help="where to write the model (default: the shipped file)")
        parser.add_argument("--report", action="store_true", help="print each set's figures when left out")

    def handle(self, *args, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        out = Path(options["out"]) if options["out"] else hint_model_path()
        names = options["sets"]
        if not names:
            try:
                names = json.loads(hint_model_path().read_text(encoding="utf-8"))["fitted_on"]
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"no --sets and no shipped model to take them from: {exc}") from exc
        missing = [n for n in names if not (fixtures / n).exists()]
        if missing:
            raise CommandError(f"no such set under fixtures/: {', '.join(missing)}")
        reader = item_model()
        if reader is None:
            raise CommandError("the item model is not available (no catalogue loaded, or ROUTING_ITEM_MODEL off)")
        data = {n: load_call_set(fixtures / n) for n in names}
        sets = {n: (pairs(d, reader), calls(d)) for n, d in data.items()}
        rows = [r for rs, _ in sets.values() for r in rs]
        model = {
            "about": (
                "Duplicate hints' model (dispatch.duplicates.hint_probability): logistic regressions over the "
                "figures of dispatch.duplicates.hint_features, fitted by `manage.py fit_hint_model` on the sets "
                "named in fitted_on (fixtures/README.md); `words` is used when the item model is off"
            ),
            "fitted": timezone.localdate().isoformat(),
            "fitted_on": list(names),
            "pairs": len(rows),
            "variants": {"words": fit_variant(rows, WORD_FEATURES), "items": fit_variant(rows, ITEM_FEATURES)},
        }
        out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(rows)} pairs of {len(names)} sets: written {out}")
        if options["report"]:
            for label, features in (("words", WORD_FEATURES), ("items", ITEM_FEATURES)):
                figures = leave_one_set_out(sets, features, REPORT_THRESHOLDS)
                self.stdout.write(f"\nleave one set out, {label}: re-calls hinted / unrelated hinted")
                self.stdout.write("   set        " + "".join(f"{t:>14}" for t in REPORT_THRESHOLDS))
                for name, by_threshold in figures.items():
                    cells = "".join(f"{r:7.1%}/{u:6.1%}" for r, u in by_threshold.values())
                    self.stdout.write(f"   {name[:-5].removeprefix('duplicate_calls'):10} {cells}")
                self.stdout.write("   mean       " + _mean(figures, names))
                hard = [n for n in names if not any("of" in u for u in data[n]["unrelated"])]
                if hard:
                    self.stdout.write("   mean, hard " + _mean(figures, hard))
                    self.stdout.write(f"   (hard: the {len(hard)} sets whose unrelated calls share place and category)")
            self.stdout.write(f"(HINT_THRESHOLD = {HINT_THRESHOLD})")


def _mean(figures: dict, names: list[str]) -> str:
    """The sets' mean re-calls / unrelated hinted at each threshold, as one report line's cells."""
    cells = []
    for t in REPORT_THRESHOLDS:
        recalls = sum(figures[n][t][0] for n in names) / len(names)
        unrelated = sum(figures[n][t][1] for n in names) / len(names)
        cells.append(f"{recalls:7.1%}/{unrelated:6.1%}")
    return "".join(cells)
