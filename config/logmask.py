"""Personal data out of every log line: phone, ID-card and plate numbers, e-mail addresses.

Two users: the logging filter on every handler of the product (config/settings.py LOGGING), and
gunicorn's access log (config/gunicorn.py), whose request line, query string and referer are decoded
and masked before they are written. Stand-alone (no Django import): gunicorn loads it before the app.

Masked: e-mail addresses; ID numbers (15/18 digits, X); mobiles (with +86, spaces or dashes); landlines
(0xx-xxxxxxx); plates (豫A12345); and any other bare run of 7 or more digits not glued to letters
(partial numbers typed into a search box). Ticket numbers (ZZ2026…) and ids stay readable.
"""

import logging
import re
from urllib.parse import unquote_plus

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PATTERNS = [
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])",
    r"(?<![\dA-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)",
    r"(?<![\dA-Za-z])0\d{2,3}[- ]?\d{7,8}(?!\d)",
    rf"[{_PROVINCES}][A-Za-z][ ·.]?[A-Za-z0-9]{{4}}[A-Za-z0-9挂学警港澳]{{1,2}}(?![A-Za-z0-9])",
    r"(?<![\dA-Za-z])\d{7,}(?![\dA-Za-z])",
]
_PII = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_HINT = re.compile(r"[0-9@]")
MASK = "***"


def mask(text: str) -> str:
    """The text with every personal number or address replaced by ***; the rest unchanged."""
    if not text or not _HINT.search(text):
        return text
    return _PII.sub(MASK, text)


def mask_url(text: str) -> str:
    """A path, query string or request line: percent-decoded first, so %2B86… and 豫 are seen."""
    if not text:
        return text
    return mask(unquote_plus(text))


class MaskPersonalData(logging.Filter):
    """Logging filter: the formatted message (and a traceback's text) with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave the record as it is
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True
