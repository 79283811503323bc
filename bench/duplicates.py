"""Duplicate hints on sets of calls we wrote: how many re-calls get their earlier ticket suggested, and
how many unrelated calls get any suggestion. Pure Python (no database). Run:
`.venv/bin/python bench/duplicates.py`.

Each set (fixtures/duplicate_calls*.json) holds matters in a few communities, each as 3 texts: the first
call (filed, open), a re-call (the same or another caller a little later, in their own words) and a
paraphrase (another caller, formal wording, often without the building). The hint rule is
dispatch.duplicates.rank_hints; figures per threshold, with the candidates' category unknown and known:
  re-call / paraphrase: share of those calls whose first call is suggested, with the first calls of the
      community's other matters open beside it;
  unrelated (community): share of calls suggested anything when only other matters of their community
      are open;
  unrelated (crowded): the same with the first calls of every other matter of all sets open in one
      community (up to 49 open tickets, a busy community's month).
The strict rule (dispatch.duplicates.THRESHOLD, used for 并单) is printed beside it for the re-calls.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from dispatch.duplicates import HINT_THRESHOLD, THRESHOLD, HintText, hint_score, similarity  # noqa: E402

SETS = [
    ("dev", "duplicate_calls.json", "written first; the 事项小类 word lists were built against it"),
    ("dev2", "duplicate_calls_heldout.json", "written second; used to extend the word lists (no longer held out)"),
    ("test", "duplicate_calls_test.json", "written after the rule and thresholds were frozen"),
]
THRESHOLDS = (0.1, 0.15, 0.2, 0.25)


def load(name: str) -> list[dict]:
    path = ROOT / "fixtures" / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def figures(matters: list[dict], everything: list[dict], *, use_category: bool) -> dict:
    texts = {id(m): [HintText(t) for t in m["texts"]] for m in everything}

    def suggested(call, m, others, threshold) -> list:
        out = []
        for o in others:
            if use_category and o["category"] != m["category"]:
                continue
            score = hint_score(call, texts[id(o)][0])
            if score is not None and score >= threshold:
                out.append(o)
        return out

    result = {}
    for threshold in THRESHOLDS:
        row = {}
        for label, index in (("re-call", 1), ("paraphrase", 2)):
            hits = 0
            for m in matters:
                community = [o for o in matters if o["community"] == m["community"]]
                hits += m in suggested(texts[id(m)][index], m, community, threshold)
            row[label] = hits / len(matters)
        for label, pool in (("unrelated (community)", "community"), ("unrelated (crowded)", "all")):
            fired = total = 0
            for m in matters:
                others = [
                    o
                    for o in (everything if pool == "all" else matters)
                    if o is not m and (pool == "all" or o["community"] == m["community"])
                ]
                for call in texts[id(m)]:
                    total += 1
                    fired += bool(suggested(call, m, others, threshold))
            row[label] = fired / total
        result[threshold] = row
    return result


def main():
    loaded = [(key, load(name), note) for key, name, note in SETS]
    everything = [m for _, ms, _ in loaded for m in ms]
    print(f"duplicate hints (rule: dispatch.duplicates.rank_hints, HINT_THRESHOLD={HINT_THRESHOLD})")
    for key, matters, note in loaded:
        if not matters:
            print(f"\n[{key}] missing")
            continue
        strict = sum(similarity(m["texts"][1], m["texts"][0]) >= THRESHOLD for m in matters) / len(matters)
        print(f"\n[{key}] {len(matters)} matters, {len(matters) * 3} calls — {note}")
        print(f"   strict rule (并单, cosine ≥ {THRESHOLD}): re-calls found {strict:6.1%}")
        for use_category in (False, True):
            print(f"   category {'known' if use_category else 'unknown'}:")
            print("   threshold   re-call  paraphrase  unrelated(community)  unrelated(crowded)")
            for threshold, row in figures(matters, everything, use_category=use_category).items():
                mark = " <" if threshold == HINT_THRESHOLD else ""
                print(
                    f"   {threshold:>9.2f}   {row['re-call']:6.1%}   {row['paraphrase']:8.1%}"
                    f"   {row['unrelated (community)']:18.1%}   {row['unrelated (crowded)']:16.1%}{mark}"
                )


if __name__ == "__main__":
    main()
