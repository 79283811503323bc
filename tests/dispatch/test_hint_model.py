"""The duplicate hints' fitted model (dispatch.duplicates.hint_probability, dispatch.hint_fitting,
`manage.py fit_hint_model`): what it weighs, how it is fitted, and that the shipped one never saw the sets
kept unseen."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from classifier.items import item_model
from dispatch.duplicates import (
    HINT_THRESHOLD,
    HintText,
    hint_features,
    hint_model,
    hint_probability,
    hint_score,
    variant_probability,
)
from dispatch.hint_fitting import ITEM_FEATURES, WORD_FEATURES, calls, load_call_set, pairs

FIRST = "文化路街道农大社区农大家属院3号楼下水道堵塞，污水从井盖溢出流到路面，味道很大，请尽快疏通。"
RECALL = "我还是农大家属院3号楼的，刚才打过电话，楼下下水道堵了，污水冒出来一地，麻烦快点派人来。"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Kept unseen: run once on the final model (bench/duplicates.py --unseen), never fitted on.
UNSEEN = {"duplicate_calls_fresh11.json"}


def test_the_shipped_model_weighs_the_features_the_code_computes_and_never_saw_the_unseen_sets():
    model = hint_model()
    assert model["variants"]["words"]["features"] == list(WORD_FEATURES)
    assert model["variants"]["items"]["features"] == list(ITEM_FEATURES)
    assert not UNSEEN & set(model["fitted_on"])
    assert all((FIXTURES / name).exists() for name in model["fitted_on"])


def test_the_words_alone_score_a_recall_without_a_database():
    features = hint_features(HintText(RECALL), HintText(FIRST))
    assert set(features) == set(WORD_FEATURES)
    assert hint_score(HintText(RECALL), HintText(FIRST)) == pytest.approx(hint_probability(features))
    assert hint_probability(features) >= HINT_THRESHOLD


@pytest.mark.django_db
def test_with_the_item_model_both_readings_are_weighed(zhengzhou_small):
    reader = item_model()
    new, old = HintText(RECALL, reader=reader), HintText(FIRST, reader=reader)
    features = hint_features(new, old)
    assert set(features) == set(ITEM_FEATURES)
    assert 0.0 <= features["item_sharp"] <= 1.0 and features["item_rank_old_top"] <= 50
    items_variant = variant_probability(hint_model()["variants"]["items"], features)
    assert hint_score(new, old) == pytest.approx(items_variant) and items_variant >= HINT_THRESHOLD
    # Only one of the two read by the item model: the words alone.
    assert set(hint_features(new, HintText(FIRST))) == set(WORD_FEATURES)


@pytest.mark.django_db
def test_fit_writes_a_model_that_scores_another_sets_recalls_above_its_unrelated_calls(zhengzhou_small, tmp_path):
    out = tmp_path / "model.json"
    call_command(
        "fit_hint_model", "--sets", "duplicate_calls.json", "duplicate_calls_fresh.json", "--out", str(out), "--report"
    )
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["fitted_on"] == ["duplicate_calls.json", "duplicate_calls_fresh.json"]
    held_out = load_call_set(FIXTURES / "duplicate_calls_fresh2.json")
    rows = pairs(held_out, item_model())
    scores = {0: [], 1: []}
    for features, label, _ in rows:
        scores[label].append(variant_probability(model["variants"]["items"], features))
    assert len(scores[1]) > 50 and len(scores[0]) > 10
    assert sum(scores[1]) / len(scores[1]) > sum(scores[0]) / len(scores[0]) + 0.2
    recalls, unrelated = calls(held_out)
    assert (recalls, unrelated) == (sum(len(m["recalls"]) for m in held_out["matters"]), len(held_out["unrelated"]))


def test_pairs_skip_other_categories_and_matters_vetoed_by_rule():
    data = {
        "matters": [
            {
                "id": "a",
                "community": "c",
                "category": "城乡建设",
                "first": {"text": FIRST, "address": ""},
                "recalls": [{"text": RECALL, "address": ""}],
            }
        ],
        "unrelated": [
            {"community": "c", "category": "城乡建设", "text": "农大家属院5号楼下水道也堵了", "address": ""},
            {"community": "c", "category": "环境保护", "text": "农大家属院3号楼下水道臭", "address": ""},
            {"community": "c", "category": "城乡建设", "text": "农大家属院3号楼楼道灯不亮", "address": ""},
            {
                "community": "c",
                "category": "城乡建设",
                "text": "农大家属院3号楼下水道井盖松了，一踩就响",
                "address": "",
            },
        ],
    }
    groups = [(label, group) for _, label, group in pairs(data)]
    # 5号楼: another building, the lamp: another 事项小类 (both vetoed); 环境保护: another category (not
    # compared); the loose manhole cover is compared.
    assert groups == [(1, "re-call:a:0"), (0, "unrelated:3")]


@pytest.mark.django_db
def test_fit_says_which_set_is_missing(zhengzhou_small, tmp_path):
    with pytest.raises(CommandError, match="duplicate_calls_nowhere.json"):
        call_command("fit_hint_model", "--sets", "duplicate_calls_nowhere.json", "--out", str(tmp_path / "m.json"))
