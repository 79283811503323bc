from django.core.management.base import BaseCommand

from governance.services.divisions import divisions_csv_path, divisions_load
from governance.services.place_names import place_names_seed, shipped_place_names_path


class Command(BaseCommand):
    help = "Load the Zhengzhou region tree (city → district → street → community) from fixtures/; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None, help="CSV with code,name,level,parent_code (default: fixtures/)")
        parser.add_argument("--prefix", action="append", help="only this code prefix (and its ancestors); repeatable")
        parser.add_argument("--no-place-names", action="store_true", help="do not add the shipped 地名库's names")

    def handle(self, *args, file=None, prefix=None, no_place_names=False, **options):
        result = divisions_load(path=file, prefixes=tuple(prefix) if prefix else None)
        self.stdout.write(
            f"divisions from {file or divisions_csv_path()}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
        if no_place_names or prefix:
            return
        # The roads and landmarks callers name without a district: the seed's missing names (edits kept).
        seeded = place_names_seed()
        self.stdout.write(f"地名库 from {shipped_place_names_path()}: {seeded.created} added, {seeded.unchanged} kept")
