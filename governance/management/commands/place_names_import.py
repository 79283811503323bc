from django.core.management.base import BaseCommand, CommandError

from governance.services.place_names import PlaceNamesImportError, place_names_import


class Command(BaseCommand):
    help = "Load a 地名库 CSV (name,aliases,kind,districts,street; as written by place_names_export); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 CSV file")
        parser.add_argument("--keep-existing", action="store_true", help="only add missing names, do not update")
        parser.add_argument("--replace", action="store_true", help="delete the names the file omits")

    def handle(self, path, keep_existing, replace, **options):
        try:
            with open(path, encoding="utf-8-sig") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"无法读取 {path}（须为 UTF-8 的 CSV）：{e}") from e
        try:
            r = place_names_import(text=text, update_existing=not keep_existing, replace=replace)
        except PlaceNamesImportError as e:
            raise CommandError(e.message) from e
        self.stdout.write(
            f"地名: {r.created} created, {r.updated} updated, {r.unchanged} unchanged, {r.deleted} deleted"
        )
