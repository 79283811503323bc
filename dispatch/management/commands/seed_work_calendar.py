"""`manage.py seed_work_calendar`: add the days chinese-calendar knows to the working calendar (run after
upgrading the package for next year's holidays). Days already present, e.g. entered in the admin, are kept."""

from django.core.management.base import BaseCommand

from dispatch.calendar_data import package_years, seed_work_calendar
from dispatch.models import WorkCalendarDay
from dispatch.selectors import work_calendar_warning


class Command(BaseCommand):
    help = "Seed the working calendar from the chinese-calendar package"

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, default=2020)

    def handle(self, *args, **opts):
        before = WorkCalendarDay.objects.count()
        seed_work_calendar(WorkCalendarDay, first_year=opts["from_year"])
        years = package_years()
        self.stdout.write(
            f"package covers {years.start}-{years.stop - 1}; "
            f"{WorkCalendarDay.objects.count() - before} days added, {WorkCalendarDay.objects.count()} in the calendar"
        )
        warning = work_calendar_warning()
        if warning:
            self.stdout.write(self.style.WARNING(warning))
