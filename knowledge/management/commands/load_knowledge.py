from pathlib import Path

from django.core.management.base import BaseCommand

from knowledge.services import articles_load, default_fixture_path


class Command(BaseCommand):
    help = "Load the shipped knowledge-base entries (fixtures/knowledge_articles.json); existing codes are kept."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help=f"JSON file (default {default_fixture_path()})")

    def handle(self, *args, path=None, **options):
        added, kept = articles_load(path=path)
        self.stdout.write(f"知识库: {added} added, {kept} already present (kept as edited)")
