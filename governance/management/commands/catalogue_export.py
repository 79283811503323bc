from django.core.management.base import BaseCommand

from governance.services.catalogue import catalogue_export


class Command(BaseCommand):
    help = "Write the item-level 派单目录 as CSV (to a file, or to stdout with -)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-")

    def handle(self, path, **options):
        text = catalogue_export()
        if path == "-":
            self.stdout.write(text, ending="")
            return
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        self.stdout.write(f"{text.count(chr(10)) - 1} 事项 written to {path}", self.style.SUCCESS)
