from django.core.management.base import BaseCommand

from governance.services.place_names import place_names_export


class Command(BaseCommand):
    help = "Write the 地名库 as CSV (to a file, or to stdout with -) that place_names_import reads back."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-")

    def handle(self, path, **options):
        text = place_names_export()
        if path == "-":
            self.stdout.write(text, ending="")
            return
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        self.stdout.write(f"{text.count(chr(10)) - 1} 地名 written to {path}", self.style.SUCCESS)
