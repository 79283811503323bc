from django.core.management.base import BaseCommand, CommandError

from classifier.services import model_rollback
from common.errors import ApplicationError


class Command(BaseCommand):
    help = "Activate the classifier version before the active one."

    def handle(self, *args, **options):
        try:
            version = model_rollback()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"rolled back: model {version.version} active"))
