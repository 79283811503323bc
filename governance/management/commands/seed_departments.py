from django.core.management.base import BaseCommand

from governance.models import Department, DispatchCatalogue
from governance.services.departments import departments_seed


class Command(BaseCommand):
    help = "Create city/district departments, street offices, utilities, 兜底 owners and the 派单目录; idempotent."

    def handle(self, *args, **options):
        result = departments_seed()
        self.stdout.write(
            f"departments: {result.departments_created} created, 派单目录: {result.catalogue_created} created; now {Department.objects.count()} departments, "
            f"{DispatchCatalogue.objects.count()} 派单目录 rows"
        )
