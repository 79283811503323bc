"""Fitting the duplicate hints' model (dispatch.duplicates.hint_probability) on the sets of calls we wrote
(fixtures/duplicate_calls*.json), and measuring it on sets it was not fitted on.

A set holds matters (a first call, then re-calls and paraphrases of it) and unrelated calls of the same
communities. The pairs are the ones the intake compares: each re-call with its first call (the same
matter), each unrelated call with every first call of its community (another matter), both of the same
category (the selector compares no others) and not different matters by rule (`vetoed`: the hint never
fires on those, so the model is not asked). Two logistic regressions are fitted on the same pairs: over
the words' figures alone, and over those and the item model's (classifier.items) when it is there.

`manage.py fit_hint_model` writes fixtures/duplicate_hint_model.json; `--report` prints the share of
re-calls hinted and of unrelated calls hinted on each set by a model fitted on all the other sets
(leave one set out): what a set the model never saw should expect.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from dispatch.duplicates import HintText, hint_features, hint_probability, variant_probability, vetoed

WORD_FEATURES = (
    "text",
    "grams_jaccard",
    "length_ratio",
    "matter_items",
    "building",
    "kind",
    "aspect",
    "side",
    "unit",
)
ITEM_FEATURES = WORD_FEATURES + (
    "item_sharp",
    "item_coarse",
    "item_same_top",
    "item_rank_old_top",
    "item_rank_new_top",
    "item_top_new",
    "item_top_old",
)


def load_call_set(path: Path) -> dict:
    """{"matters": [{id, community, category, first: {text, address}, recalls: [...]}], "unrelated": [...]}
    (the three oldest sets' 3-text matters read into the same shape; their unrelated calls are every call
    of a matter, against the other matters of its community)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        return data
    name = Path(path).name
    matters = [
        {
            "id": f"{name}:{m['matter']}",
            "community": m["community"],
            "category": m["category"],
            "first": {"text": m["texts"][0], "address": ""},
            "recalls": [
                {"kind": kind, "text": text, "address": ""}
                for kind, text in zip(("re-call", "paraphrase"), m["texts"][1:], strict=True)
            ],
        }
        for m in data
    ]
    unrelated = [
        {"community": m["community"], "category": m["category"], "text": c["text"], "address": "", "of": m["id"]}
        for m in matters
        for c in [m["first"], *m["recalls"]]
    ]
    return {"matters": matters, "unrelated": unrelated}


def open_matters(data: dict, call: dict) -> list[dict]:
    """The matters open in a call's community when it comes in (all but its own)."""
    return [m for m in data["matters"] if m["community"] == call["community"] and m["id"] != call.get("of")]


def pairs(data: dict, reader=None, *, same_category: bool = True) -> list[tuple[dict, int, str]]:
    """(features, same matter 1/0, the call it belongs to) for every pair the intake would score
    (`same_category=False`: as it would with the call's category unknown)."""
    texts: dict[tuple[str, str], HintText] = {}

    def text(call: dict) -> HintText:
        key = (call["text"], call.get("address", ""))
        if key not in texts:
            texts[key] = HintText(call["text"], call.get("address", ""), reader)
        return texts[key]

    out = []

    def add(call: dict, category: str, matter: dict, label: int, group: str) -> None:
        if same_category and category != matter["category"]:
            return
        new, old = text(call), text(matter["first"])
        if not vetoed(new, old):
            out.append((hint_features(new, old), label, group))

    for m in data["matters"]:
        for i, recall in enumerate(m["recalls"]):
            add(recall, m["category"], m, 1, f"re-call:{m['id']}:{i}")
    for j, call in enumerate(data["unrelated"]):
        for m in open_matters(data, call):
            add(call, call["category"], m, 0, f"unrelated:{j}")
    return out


def calls(data: dict) -> tuple[int, int]:
    """(re-calls, unrelated calls) of a set: the denominators of its figures."""
    return sum(len(m["recalls"]) for m in data["matters"]), len(data["unrelated"])


def fit_variant(rows: list[tuple[dict, int, str]], features: tuple[str, ...]) -> dict:
    from sklearn.linear_model import LogisticRegression

    x = np.array([[f[name] for name in features] for f, _, _ in rows])
    y = np.array([label for _, label, _ in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y)
    return {
        "features": list(features),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
    }


def figures(rows, counts: tuple[int, int], threshold: float, probability=hint_probability) -> tuple[float, float]:
    """(share of re-calls hinted their first call, share of unrelated calls hinted any open matter) of a set's
    `pairs` and `calls`, by the shipped model or by `probability` (features → probability)."""
    fired = defaultdict(bool)
    for features, _, group in rows:
        fired[group] |= probability(features) >= threshold
    recalls = sum(v for g, v in fired.items() if g.startswith("re-call:"))
    unrelated = sum(v for g, v in fired.items() if g.startswith("unrelated:"))
    return recalls / max(counts[0], 1), unrelated / max(counts[1], 1)


def leave_one_set_out(sets: dict[str, tuple[list, tuple[int, int]]], features, thresholds) -> dict:
    """{set: {threshold: (re-calls hinted, unrelated hinted)}} by a model fitted on the other sets."""
    out = {}
    for name, (rows, counts) in sets.items():
        others = [r for other, (rs, _) in sets.items() if other != name for r in rs]
        variant = fit_variant(others, features)
        out[name] = {t: figures(rows, counts, t, lambda f, v=variant: variant_probability(v, f)) for t in thresholds}
    return out
