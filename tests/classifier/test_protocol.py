"""The unseen-raw protocol's splits and threshold choice (no model: known rows and probabilities)."""

import numpy as np

from classifier import protocol


def test_every_raw_row_is_held_out_once_and_no_group_straddles_a_split():
    labels = np.array(["A", "B"] * 20, dtype=object)
    forms = np.array(["raw", "tokenized"] * 10 + ["raw"] * 20)
    groups = np.arange(40) // 2  # pairs: a raw row and its pre-tokenized copy share a group

    held = []
    for train, test in protocol.raw_holdout_splits(labels, forms, groups, n_splits=5, seed=3):
        assert set(forms[test]) == {"raw"}
        assert not set(groups[train]) & set(groups[test])  # the copy of a held-out message is not trained on
        held += list(test)

    assert sorted(held) == sorted(np.flatnonzero(forms == "raw"))


def test_short_variants_cut_the_normalised_text():
    text = "小区电梯坏了三天！物业一直不修，老人上下楼很困难，请相关部门督促尽快维修。"

    cuts = protocol.short_variants(text)

    # NFKC makes the full-width ！ and ， half-width; the first sentence ends at the first ! after 8 characters
    assert cuts["first_20"] == "小区电梯坏了三天!物业一直不修,老人上下"
    assert cuts["first_30"] == "小区电梯坏了三天!物业一直不修,老人上下楼很困难,请相关部门"
    assert cuts["sentence"] == "小区电梯坏了三天"
    assert protocol.first_sentence("短句。后面还有很多很多的内容") == "短句。后面还有很多很多的内容"[:60]


def test_threshold_chosen_on_some_seeds_is_reported_on_the_others():
    classes = np.array(["A", "B"], dtype=object)
    labels = np.array(["A", "A", "B", "B"], dtype=object)
    # seed 0: right at 0.9 and 0.8, wrong at 0.6 → from 0.61 up all right; seed 1: wrong at 0.7
    p0 = np.array([[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.2, 0.8]])
    p1 = np.array([[0.9, 0.1], [0.7, 0.3], [0.3, 0.7], [0.7, 0.3]])
    runs = [
        protocol.ProtocolRun(seed=s, classes=classes, raw_index=np.arange(4), labels=labels, proba={"whole": p})
        for s, p in ((0, p0), (1, p1))
    ]

    choice = protocol.choose_threshold(runs, choose_seeds=[0], min_accuracy=1.0)

    assert choice["threshold"] == 0.61 and choice["chosen_on"] == [0] and choice["confirmed_on"] == [1]
    assert choice["chosen"] == {"coverage": 0.75, "accuracy": 1.0}
    # seed 1 at 0.61: every row reaches it (0.9, 0.7, 0.7, 0.7); the last one is wrong
    assert choice["confirmed"] == {"coverage": 1.0, "accuracy": 0.75}
