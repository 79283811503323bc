from django.core.management.base import BaseCommand

from governance.services.divisions import divisions_csv_path, divisions_load


class Command(BaseCommand):
    help = "Load the Zhengzhou region tree (city → district → street → community) from fixtures/; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None, help="CSV with code,name,level,parent_code (default: fixtures/)")
        parser.add_argument("--prefix", action="append", help="only this code prefix (and its ancestors); repeatable")

    def handle(self, *args, file=None, prefix=None, **options):
        result = divisions_load(path=file, prefixes=tuple(prefix) if prefix else None)
        self.stdout.write(
            f"divisions from {file or divisions_csv_path()}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
