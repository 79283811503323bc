"""Traditional → simplified characters, one table for the whole product (the classifier's text and the
address resolver read 金水區經八路街道 as 金水区经八路街道)."""

from functools import lru_cache

import zhconv


@lru_cache(maxsize=1)
def _simplified_table() -> dict[int, str]:
    # zhconv's character-for-character entries only: str.translate costs microseconds, where zhconv's
    # phrase-level convert costs ~0.35 ms per message. Phrase-level variants (a handful of words
    # written differently in Taiwan) are not worth that on every call; complaints here are simplified.
    mapping = zhconv.zhconv.getdict("zh-cn")
    return str.maketrans({k: v for k, v in mapping.items() if len(k) == 1 and len(v) == 1 and k != v})


def simplified(text: str) -> str:
    """`text` with traditional characters replaced by their simplified forms (character by character)."""
    return text.translate(_simplified_table()) if text else ""
