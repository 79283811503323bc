"""Title-length cuts of a message: what an operator may have typed so far, measured and trained on.

The training file keeps no separate titles, but a raw row starts with its title glued to the body
("K6县商业乐园房产证办理为何如此之难？K市鼎九…"), so the first 20/30/40 characters and the first
sentence are title-length texts of known category. The unseen-raw protocol scores them
(classifier/protocol.py), and training adds them as extra rows (`augmented`), so the one model learns
short inputs as well as whole messages (measured in classifier/pipeline.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from classifier import text as textmod

SHORT_PREFIXES = (20, 30, 40)
SHORT_VARIANTS = [f"first_{n}" for n in SHORT_PREFIXES] + ["sentence"]
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def first_sentence(text: str, *, minimum: int = 8, maximum: int = 60) -> str:
    """The text up to its first sentence end at or after `minimum` characters, at most `maximum`."""
    text = textmod.normalize(text)
    for match in _SENTENCE_END.finditer(text):
        if match.start() >= minimum:
            return text[: min(match.start(), maximum)]
    return text[:maximum]


def short_variants(text: str) -> dict[str, str]:
    """Title-length cuts of a raw message: what an operator may have typed (`first_20`, …, `sentence`)."""
    normal = textmod.normalize(text)
    variants = {f"first_{n}": normal[:n] for n in SHORT_PREFIXES}
    variants["sentence"] = first_sentence(normal)
    return variants


def short_docs_for(texts: list[str], forms, *, tokenized: bool = False) -> dict[str, list[str]]:
    """Segmented short cuts of every row, aligned with `texts`.

    A pre-tokenized row gets "" (it is never scored as a short text), or with `tokenized=True` the
    cuts of its tokens glued back together (for training: its words, cut where a raw row would be).
    """
    out: dict[str, list[str]] = {name: [] for name in SHORT_VARIANTS}
    for text, form in zip(texts, forms, strict=True):
        if form == "raw":
            cuts = short_variants(text)
        else:
            cuts = short_variants(text.replace(" ", "")) if tokenized else {}
        for name in SHORT_VARIANTS:
            out[name].append(textmod.preprocess(cuts[name]) if cuts else "")
    return out


def augmented(docs, labels, short_docs: dict[str, list[str]] | None, *, names: Sequence[str], index=None, remember=()):
    """(docs, labels, remembered, origin) of the rows `index` (default all) plus their cuts `names`.

    The rows come first, then each cut in `names` order. `remembered` is False for the added cuts
    except those named in `remember` (the rows the neighbour vote may return);
    `origin` is the row each training row comes from, so that calibration folds keep a message and
    its cuts on one side. Empty cuts are left out.
    """
    docs = np.asarray(docs, dtype=object)
    labels = np.asarray(labels, dtype=object)
    index = np.arange(len(docs)) if index is None else np.asarray(index)
    parts, part_labels, origin = [docs[index]], [labels[index]], [index]
    for name in names if short_docs else ():
        cuts = np.asarray(short_docs[name], dtype=object)[index]
        keep = index[cuts != ""]
        parts.append(cuts[cuts != ""])
        part_labels.append(labels[keep])
        origin.append(keep)
    remembered = np.zeros(sum(len(p) for p in parts), dtype=bool)
    remembered[: len(index)] = True
    start = len(index)
    for name, part in zip(names, parts[1:], strict=False):  # no parts when no cuts were given
        remembered[start : start + len(part)] = name in remember
        start += len(part)
    return list(np.concatenate(parts)), np.concatenate(part_labels), remembered, np.concatenate(origin)
