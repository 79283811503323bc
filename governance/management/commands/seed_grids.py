import time

from django.core.management.base import BaseCommand, CommandError

from governance.models import Grid, Region
from governance.services.grids import DEFAULT_SEED, TOTALS, grids_seed


class Command(BaseCommand):
    help = (
        "Generate the grid layer at Zhengzhou's published scale (7,876 community, 46,817 micro, 11,381 rural, "
        "4,744 dedicated grids), each with a responsible grid worker account. Deterministic and idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", help="only this district's share, e.g. 410105 (金水区)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, district=None, seed=DEFAULT_SEED, **options):
        region = None
        if district:
            code = district.ljust(12, "0")
            region = Region.objects.filter(code=code, level=Region.Level.DISTRICT).first()
            if region is None:
                raise CommandError(f"no district with code {district}: run load_divisions first")
        if not Region.objects.exists():
            raise CommandError("no regions: run load_divisions first")
        started = time.perf_counter()
        result = grids_seed(seed=seed, district=region)
        elapsed = time.perf_counter() - started
        created = ", ".join(f"{kind} {result.created[kind]}" for kind in TOTALS)
        self.stdout.write(
            f"grids{' of ' + region.name if region else ''} (seed {seed}): created {created}; "
            f"{result.skipped_existing} already there; {elapsed:.1f}s"
        )
        if result.skipped_missing_region:
            self.stdout.write(self.style.WARNING(f"{result.skipped_missing_region} grids skipped: region not loaded"))
        scope = Grid.objects.filter(code__startswith=region.prefix) if region else Grid.objects.all()
        for kind, label in Grid.Kind.choices:
            self.stdout.write(f"  {label}: {scope.filter(kind=kind).count()}")
