"""CSV export for any list page: `?format=csv` streams the rows the page shows (all pages of them)."""

import csv
from collections.abc import Callable, Iterable
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a streaming response."""

    def write(self, value):
        return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    # A cell starting with = + - @ is a formula to spreadsheet programs (CSV injection); quote it as text.
    if text and text[0] in "=+-@\t\r":
        text = "'" + text
    return text


def csv_response(*, filename: str, columns: list[tuple[str, Callable]], rows: Iterable) -> StreamingHttpResponse:
    """Stream `rows` as CSV: `columns` is a list of (header, getter) pairs applied to each row.

    UTF-8 with a BOM so that Excel opens Chinese text correctly.
    """
    writer = csv.writer(_Echo())

    def generate():
        yield "\ufeff" + writer.writerow([header for header, _ in columns])
        for row in rows:
            yield writer.writerow([_cell(getter(row)) for _, getter in columns])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"
