import csv
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from classifier.evaluation import coverage_table, reliability_table, scores, threshold_for_target

CLASSES = ["A", "B", "C"]
Y_TRUE = ["A", "A", "B", "C"]
PROBA = np.array(
    [
        [0.9, 0.05, 0.05],  # A, right, 0.9
        [0.2, 0.7, 0.1],  # B, wrong, 0.7
        [0.1, 0.6, 0.3],  # B, right, 0.6
        [0.5, 0.1, 0.4],  # A, wrong, 0.5
    ]
)


def test_scores_on_known_probabilities():
    result = scores(Y_TRUE, PROBA, CLASSES)

    assert result["accuracy"] == 0.5
    assert result["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0.0) / 3)
    assert result["top3_accuracy"] == 1.0
    assert result["per_category"]["A"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert result["per_category"]["B"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert result["per_category"]["C"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert result["confusion_matrix"] == {"labels": ["A", "B", "C"], "matrix": [[1, 1, 0], [0, 1, 0], [1, 0, 0]]}


def test_coverage_table_counts_texts_at_or_above_each_threshold():
    table = {
        row["threshold"]: (row["covered"], row["coverage"], row["accuracy"])
        for row in coverage_table(Y_TRUE, PROBA, CLASSES)
    }

    assert sorted(table) == [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    assert table[0.5] == (4, 1.0, 0.5)
    assert table[0.6] == (3, 0.75, pytest.approx(2 / 3))
    assert table[0.7] == (2, 0.5, 0.5)
    assert table[0.75] == (1, 0.25, 1.0)
    assert table[0.95] == (0, 0.0, None)


def test_threshold_for_target_is_the_lowest_from_which_on_the_accuracy_holds():
    table = coverage_table(Y_TRUE, PROBA, CLASSES)

    # 0.55 and 0.6 reach 2/3, but 0.65 and 0.7 fall back to 1/2: only from 0.75 on does it hold
    assert threshold_for_target(table, min_accuracy=0.6)["threshold"] == 0.75
    assert threshold_for_target(table, min_accuracy=0.5)["threshold"] == 0.5
    assert threshold_for_target(table, min_accuracy=1.01) is None


def test_reliability_bins_compare_confidence_with_accuracy():
    result = reliability_table(Y_TRUE, PROBA, CLASSES)

    filled = {(b["low"], b["high"]): (b["count"], b["accuracy"]) for b in result["bins"] if b["count"]}
    assert filled == {
        (0.5, 0.6): (1, 0.0),
        (0.6, 0.7): (1, 1.0),
        (0.7, 0.8): (1, 0.0),
        (0.9, 1.0): (1, 1.0),
    }
    # |0.5-0| + |0.6-1| + |0.7-0| + |0.9-1|, each weighted 1/4
    assert result["expected_calibration_error"] == pytest.approx((0.5 + 0.4 + 0.7 + 0.1) / 4)


def _write_csv(path, rows, header):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.mark.django_db
def test_evaluate_command_gives_the_expected_figures(tiny_model, tmp_path, capsys):
    # given four raw complaints, the last deliberately labelled with the wrong category
    data = tmp_path / "eval.csv"
    _write_csv(
        data,
        [
            ["e1", "", "学校违规补课收费", "教育文体"],
            ["e2", "", "公司老板拖欠农民工工资", "劳动和社会保障"],
            ["e3", "小区路灯", "损坏无人维修", "城乡建设"],
            ["e4", "", "幼儿园乱收资料费", "城乡建设"],
        ],
        ["id", "title", "text", "label"],
    )

    # when the active model is evaluated on them
    call_command("evaluate_classifier", "--data", str(data), "--json")
    result = json.loads(capsys.readouterr().out)

    # then 3 of 4 are right and the wrong label costs 城乡建设 recall and 教育文体 precision
    assert result["model_version"] == tiny_model.version
    assert result["n"] == 4
    assert result["accuracy"] == 0.75
    assert result["top3_accuracy"] == 1.0
    assert result["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1.0) / 3)
    assert result["per_category"]["城乡建设"] == pytest.approx(
        {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    )
    assert result["per_category"]["教育文体"] == pytest.approx(
        {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1}
    )
    assert [row["threshold"] for row in result["coverage"]] == [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


@pytest.mark.django_db
def test_evaluate_command_prints_a_table(tiny_model, tmp_path, capsys):
    data = tmp_path / "eval.csv"
    _write_csv(data, [["学校违规补课收费", "教育文体"]], ["text", "label"])

    call_command("evaluate_classifier", "--data", str(data))

    out = capsys.readouterr().out
    assert "accuracy: 1.0000" in out
    assert "top-3 accuracy: 1.0000" in out
    assert "threshold  coverage  accuracy" in out


@pytest.mark.django_db
def test_evaluate_command_refuses_a_csv_without_labels(tiny_model, tmp_path):
    data = tmp_path / "eval.csv"
    _write_csv(data, [["学校违规补课收费"]], ["text"])

    with pytest.raises(CommandError, match="lacks label"):
        call_command("evaluate_classifier", "--data", str(data))


def _four_rows(tmp_path):
    # the same four complaints as above: e1-e3 labelled right, e4 (教育文体 wording) labelled 城乡建设
    data = tmp_path / "eval.csv"
    _write_csv(
        data,
        [
            ["e1", "", "学校违规补课收费", "教育文体"],
            ["e2", "", "公司老板拖欠农民工工资", "劳动和社会保障"],
            ["e3", "小区路灯", "损坏无人维修", "城乡建设"],
            ["e4", "", "幼儿园乱收资料费", "城乡建设"],
        ],
        ["id", "title", "text", "label"],
    )
    return data


def _auto(data, capsys):
    call_command("evaluate_classifier", "--data", str(data), "--json")
    return json.loads(capsys.readouterr().out)["auto"]


@pytest.mark.django_db
def test_auto_block_at_the_global_threshold(tiny_model, tmp_path, capsys, settings):
    data = _four_rows(tmp_path)
    settings.CLASSIFIER_CATEGORY_THRESHOLDS = {}
    settings.CLASSIFIER_SHORT_TEXT_THRESHOLD = None

    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 0.0
    assert _auto(data, capsys) == {"n": 4, "covered": 4, "coverage": 1.0, "accuracy": 0.75}

    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 1.01
    assert _auto(data, capsys) == {"n": 4, "covered": 0, "coverage": 0.0, "accuracy": None}


@pytest.mark.django_db
def test_auto_block_applies_per_category_thresholds(tiny_model, tmp_path, capsys, settings):
    data = _four_rows(tmp_path)
    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 0.0
    settings.CLASSIFIER_SHORT_TEXT_THRESHOLD = None
    # e3 is the only text predicted 城乡建设 (e4 is predicted 教育文体, wrongly against its label)
    settings.CLASSIFIER_CATEGORY_THRESHOLDS = {"城乡建设": 1.01}

    assert _auto(data, capsys) == {"n": 4, "covered": 3, "coverage": 0.75, "accuracy": pytest.approx(2 / 3)}


@pytest.mark.django_db
def test_auto_block_holds_short_texts_to_the_short_threshold(tiny_model, tmp_path, capsys, settings):
    data = _four_rows(tmp_path)
    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 0.0
    settings.CLASSIFIER_CATEGORY_THRESHOLDS = {}
    # e1 and e4 have 8 characters, e3 10 (title and body, the space not counted), e2 11
    settings.CLASSIFIER_SHORT_TEXT_CHARS = 9
    settings.CLASSIFIER_SHORT_TEXT_THRESHOLD = 1.01

    assert _auto(data, capsys) == {"n": 4, "covered": 2, "coverage": 0.5, "accuracy": 1.0}


@pytest.mark.django_db
def test_evaluate_command_prints_the_auto_line(tiny_model, tmp_path, capsys, settings):
    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 0.0
    settings.CLASSIFIER_CATEGORY_THRESHOLDS = {}
    settings.CLASSIFIER_SHORT_TEXT_THRESHOLD = None

    call_command("evaluate_classifier", "--data", str(_four_rows(tmp_path)))

    assert "auto at the configured thresholds: coverage 1.0000 (4/4), accuracy 0.7500" in capsys.readouterr().out
