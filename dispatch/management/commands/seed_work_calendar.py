"""`manage.py seed_work_calendar`: add the days chinese-calendar knows to the working calendar (run after
upgrading the package for next year's holidays). Days already present, e.g. entered in the admin, are kept;
open tickets' deadlines in a year added are recomputed (an event each)."""

from django.core.management.base import BaseCommand

from dispatch.calendar_data import package_years
from dispatch.models import WorkCalendarDay
from dispatch.selectors import work_calendar_warning
from dispatch.services.calendar import work_calendar_seed_from_package


class Command(BaseCommand):
    help = "Seed the working calendar from the chinese-calendar package"

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, default=2020)

    def handle(self, *args, **opts):
        added, moved = work_calendar_seed_from_package(first_year=opts["from_year"])
        years = package_years()
        self.stdout.write(
            f"package covers {years.start}-{years.stop - 1}; "
            f"{added} days added, {WorkCalendarDay.objects.count()} in the calendar; deadlines of {moved} open tickets recomputed"
        )
        warning = work_calendar_warning()
        if warning:
            self.stdout.write(self.style.WARNING(warning))
