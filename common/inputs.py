"""One validation path for the raw values a request carries: ids, JSON depth, NUL characters, offsets.

`str.isdigit()` is true for '²' and '٣', which `int()` or the database then reject with a 500; a
20-digit "id" overflows a bigint. Every place that takes an id from a request asks `is_id` / `as_id`.
"""

import re

from django.core.exceptions import ValidationError
from django_filters import IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField

_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only, always below 2**63
MAX_JSON_DEPTH = 32
# Real UTC offsets run from -12:00 to +14:00; PostgreSQL refuses anything past ±15:59.
MAX_OFFSET_MINUTES = 14 * 60


def is_id(value) -> bool:
    """True for a positive integer id written in ASCII digits that fits a bigint."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 0 < value < 2**63
        or (isinstance(value, str) and bool(_ID.fullmatch(value)) and int(value) > 0)
    )


def as_id(value) -> int | None:
    """The id as an int, or None when `value` is not one (see `is_id`)."""
    return int(value) if is_id(value) else None


def json_depth_exceeds(raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when a JSON text nests arrays/objects deeper than `limit` (strings are skipped), in one
    linear pass and without recursion: json.loads itself raises RecursionError on 10,000 levels."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose UTC offset is a real one (−12:00 … +14:00); otherwise a field error."""

    def to_python(self, value):
        parsed = super().to_python(value)
        offset = parsed.utcoffset() if parsed is not None and parsed.tzinfo is not None else None
        if offset is not None and abs(offset.total_seconds()) > MAX_OFFSET_MINUTES * 60:
            raise ValidationError("时区偏移超出范围（应在 -12:00 至 +14:00 之间）", code="invalid")
        return parsed


class BoundedIsoDateTimeFilter(IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField
