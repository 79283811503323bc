from django.core.management.base import BaseCommand

from governance.models import CatalogueItem, Department, DispatchCatalogue
from governance.services.departments import departments_seed


class Command(BaseCommand):
    help = (
        "Create city/district departments, street offices, utilities, 兜底 owners, the 派单目录 and its "
        "matter items (fixtures/dispatch_catalogue.csv); idempotent, edited rows are kept."
    )

    def handle(self, *args, **options):
        result = departments_seed()
        self.stdout.write(
            f"departments: {result.departments_created} created, 派单目录: {result.catalogue_created} created, "
            f"事项: {result.items_created} created; now {Department.objects.count()} departments, "
            f"{DispatchCatalogue.objects.count()} 派单目录 rows, {CatalogueItem.objects.count()} 事项"
        )
