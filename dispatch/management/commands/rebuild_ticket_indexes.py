"""`manage.py rebuild_ticket_indexes [--days N]`: file the open tickets under their duplicate keys anew."""

from django.core.management.base import BaseCommand, CommandError

from dispatch.services.routing import ticket_indexes_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the duplicate sketch bands and hint keys of the open, placed tickets of the last N days "
        "(default: the hints' 30): after the hint rule changes, or for imported tickets"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="how far back (default: the hints' window)")

    def handle(self, *args, **opts):
        if opts["days"] is not None and opts["days"] < 1:
            raise CommandError("--days must be at least 1")
        filed = ticket_indexes_rebuild(days=opts["days"])
        self.stdout.write(f"{filed} open tickets filed under their duplicate keys anew")
