"""Demo data for `manage.py seed_demo` (the command only parses arguments and prints): accounts for
every role, and a month of tickets whose timelines follow the product's own rules."""

from dispatch.management.demo.accounts import DEMO_PASSWORD, DemoAccount, DemoWorld, demo_accounts, demo_district
from dispatch.management.demo.tickets import demo_tickets, raw_complaints

__all__ = [
    "DEMO_PASSWORD",
    "DemoAccount",
    "DemoWorld",
    "demo_accounts",
    "demo_district",
    "demo_tickets",
    "raw_complaints",
]
