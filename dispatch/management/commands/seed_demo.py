"""`manage.py seed_demo`: demo accounts for every role (printed with their passwords) and a month of
tickets. Idempotent: accounts are reset to the demo password, tickets are only added once."""

import time

from django.core.management.base import BaseCommand, CommandError

from dispatch.management.demo import demo_accounts, demo_tickets


class Command(BaseCommand):
    help = "Demo accounts for each role and a realistic month of tickets"

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=3000, help="how many demo tickets (default 3000)")
        parser.add_argument("--days", type=int, default=30, help="spread over this many past days")
        parser.add_argument("--seed", type=int, default=12345)
        parser.add_argument("--no-tickets", action="store_true", help="accounts only")

    def handle(self, *args, **opts):
        try:
            world = demo_accounts()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        from knowledge.services import articles_load

        added, kept = articles_load()
        self.stdout.write(f"知识库: {added} entries added, {kept} kept")
        created = 0
        if not opts["no_tickets"]:
            start = time.perf_counter()
            created = demo_tickets(world, count=opts["tickets"], days=opts["days"], seed=opts["seed"])
            if created:
                self._after_tickets()
                self.stdout.write(f"{created} demo tickets in {time.perf_counter() - start:.1f}s")
            else:
                self.stdout.write("demo tickets already present (or no places/texts): none added")
        self._print_accounts(world)

    def _after_tickets(self) -> None:
        from dispatch.services import sla_sweep

        result = sla_sweep()
        self.stdout.write(f"SLA sweep: {result.red} red, {result.yellow} yellow")
        from dispatch.services.stats import stats_rollup_recent

        self.stdout.write(f"dashboard roll-ups: {len(stats_rollup_recent())} days")

    def _print_accounts(self, world) -> None:
        rows = [("用户名", "角色", "范围", "密码")] + [
            (a.username, a.role, a.scope, a.password) for a in world.accounts
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        self.stdout.write(f"\n演示账号 (demo accounts, district {world.district.name}):")
        for i, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)))
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _width(text))
