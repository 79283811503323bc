from django.core.management.base import BaseCommand, CommandError

from classifier.models import ModelVersion
from classifier.services import model_activate
from common.errors import ApplicationError


class Command(BaseCommand):
    help = "Activate a trained classifier version (the only active one from then on)."

    def add_arguments(self, parser):
        parser.add_argument("version")

    def handle(self, *args, version, **options):
        try:
            row = ModelVersion.objects.get(version=version)
        except ModelVersion.DoesNotExist as exc:
            known = ", ".join(ModelVersion.objects.values_list("version", flat=True)[:10]) or "none"
            raise CommandError(f"no model version {version!r} (known: {known})") from exc
        try:
            model_activate(version=row)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"model {version} active"))
