"""manage.py caller_data export|erase PHONE --by USERNAME: a caller's request about their personal data
(个人信息保护法), carried out and recorded (admin: 个人信息查询/删除请求). Export prints JSON (or --out FILE)."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from common.errors import ApplicationError
from dispatch.services.privacy import caller_data_erase, caller_data_export


class Command(BaseCommand):
    help = "Export (JSON) or erase one caller's personal data, by phone number; recorded with who did it."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("phone")
        parser.add_argument("--by", required=True, help="username of the administrator carrying out the request")
        parser.add_argument("--note", default="", help="e.g. the request's reference")
        parser.add_argument("--out", help="write the export to this file instead of standard output")

    def handle(self, *args, action, phone, by, note, out, **options):
        user = get_user_model().objects.filter(username=by).first()
        if user is None:
            raise CommandError(f"no user {by!r}")
        try:
            if action == "export":
                data = json.dumps(caller_data_export(phone=phone, by=user, note=note), ensure_ascii=False, indent=2)
                if out:
                    with open(out, "w", encoding="utf-8") as f:
                        f.write(data)
                    self.stdout.write(f"written to {out}")
                else:
                    self.stdout.write(data)
                return
            record = caller_data_erase(phone=phone, by=user, note=note)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"erased the caller's data from {len(record.tickets)} tickets: {', '.join(record.tickets)}")
