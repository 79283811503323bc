"""`manage.py detect_hotspots`: one 集中诉求预警 pass now (the beat runs the same pass every 5 minutes)."""

from django.core.management.base import BaseCommand

from dispatch.services.hotspots import hotspots_detect


class Command(BaseCommand):
    help = "Run one surge-detection (集中诉求预警) pass and print what it raised"

    def handle(self, *args, **opts):
        result = hotspots_detect()
        for hotspot in result.created:
            self.stdout.write(f"new hotspot {hotspot.pk}: {hotspot.summary} (score {hotspot.score})")
        self.stdout.write(
            f"{len(result.created)} new, {result.attached} tickets joined live hotspots, {result.closed} closed"
        )
