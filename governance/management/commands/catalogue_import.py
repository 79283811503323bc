from django.core.management.base import BaseCommand, CommandError

from governance.services.catalogue import CatalogueImportError, catalogue_import


class Command(BaseCommand):
    help = "Load an item-level 派单目录 CSV (columns as written by catalogue_export); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 CSV file")
        parser.add_argument("--keep-existing", action="store_true", help="only add missing items, do not update")
        parser.add_argument("--deactivate-missing", action="store_true", help="switch off items the file omits")

    def handle(self, path, keep_existing, deactivate_missing, **options):
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        try:
            r = catalogue_import(text=text, update_existing=not keep_existing, deactivate_missing=deactivate_missing)
        except CatalogueImportError as e:
            raise CommandError(e.message) from e
        self.stdout.write(
            f"事项: {r.created} created, {r.updated} updated, {r.unchanged} unchanged, {r.deactivated} deactivated"
        )
