"""Template filters for the pages, registered as the `pages` library in settings (TEMPLATES libraries).

Pure presentation: how a light, a time left or a highlighted text looks. Nothing here decides anything.
"""

import re
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

LIGHT_LABELS = {"green": "正常", "yellow": "黄灯", "red": "红灯"}


@register.filter
def light_label(value) -> str:
    return LIGHT_LABELS.get(str(value or ""), "—")


def _span(seconds: int) -> str:
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{minutes}分钟"


@register.filter
def time_left(deadline: datetime | None) -> str:
    """ "剩 2天3小时" before the deadline, "超期 5小时" after it; "—" when there is none."""
    if not deadline:
        return "—"
    seconds = int((deadline - timezone.now()).total_seconds())
    return f"{'剩' if seconds >= 0 else '超期'} {_span(seconds)}"


@register.filter
def duration(delta: timedelta | None) -> str:
    """A time span as "3天2小时" / "5小时10分" / "12分钟"."""
    return _span(int(delta.total_seconds())) if delta is not None else "—"


@register.filter
def is_overdue(deadline: datetime | None) -> bool:
    return bool(deadline and deadline < timezone.now())


@register.filter
def percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


def highlight_terms(text: str, terms) -> str:
    """The text, HTML-escaped, with each term wrapped in <mark>. Matching runs on the raw text and every
    piece is escaped separately, so user text can never inject markup."""
    text = text or ""
    terms = sorted({t for t in (terms or []) if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


@register.filter
def highlight(text: str, terms) -> str:
    return mark_safe(highlight_terms(text, terms))  # noqa: S308 - every piece escaped in highlight_terms


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def heat_style(value, maximum) -> str:
    """Inline background for a heat-table cell: darker blue for more tickets (0 stays white)."""
    try:
        share = float(value) / float(maximum) if maximum else 0.0
    except (TypeError, ValueError):
        share = 0.0
    if share <= 0:
        return ""
    alpha = 0.08 + 0.82 * min(share, 1.0)
    color = "#fff" if alpha > 0.55 else "inherit"
    return f"background: rgba(20, 86, 200, {alpha:.2f}); color: {color};"


@register.filter
def get_row(rows, index):
    return rows[int(index)]


@register.filter
def content_for(ticket, callers) -> str:
    """The ticket's content as `callers` (the page's dispatch.selectors.CallerView) shows it; when a
    page forgot to pass one, as to someone outside the hotline centre."""
    from dispatch.selectors import CallerView

    view = callers if isinstance(callers, CallerView) else CallerView(centre=False)
    return view.content(ticket)
