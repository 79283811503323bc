"""Reading pages in tests: the error messages shown next to one form field."""

import re


def field_errors(html: str, name: str) -> list[str]:
    """Messages in the error list inside the field wrapper `id="field-<name>"` (see _field.html)."""
    match = re.search(
        rf'<div class="field has-error" id="field-{re.escape(name)}"[^>]*>(.*?)</div>\s*(?=<div|<button|<details|<input|</form)',
        html,
        re.S,
    )
    if match is None:
        return []
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
