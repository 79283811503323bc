"""manage.py open311_key NAME: make an Open311 API key for a client; the key is the last line printed."""

from django.core.management.base import BaseCommand, CommandError

from common.errors import ApplicationError
from dispatch.open311.services import open311_key_create


class Command(BaseCommand):
    help = "Create an Open311 API key for a client and print it (last line). Revoke it in the admin."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the client's name, e.g. fixmystreet")
        parser.add_argument("--note", default="")

    def handle(self, *args, name, note, **options):
        try:
            key, raw = open311_key_create(name=name, note=note)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Open311 API key for {key.name} (shown once; only its hash is stored):")
        self.stdout.write(raw)
