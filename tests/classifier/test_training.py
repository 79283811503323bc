import csv

import numpy as np
import pytest
from django.core.management import call_command

from classifier.models import ModelVersion
from classifier.training import examples_from_csv, examples_from_extra_sources, near_duplicate_groups, shipped_examples
from tests.classifier.conftest import tiny_examples


def confirmed_examples():
    """Stands in for dispatch.selectors.ticket_confirmed_examples (text, category) pairs."""
    return [("学校食堂饭菜不卫生", "教育文体"), ("工地拖欠工资", "劳动和社会保障")]


def test_extra_sources_are_read_and_a_missing_one_is_skipped():
    said = []

    examples = examples_from_extra_sources(
        ["tests.classifier.test_training.confirmed_examples", "nowhere.selectors.examples"], say=said.append
    )

    assert [(e.text, e.label, e.source) for e in examples] == [
        ("学校食堂饭菜不卫生", "教育文体", "tests.classifier.test_training.confirmed_examples"),
        ("工地拖欠工资", "劳动和社会保障", "tests.classifier.test_training.confirmed_examples"),
    ]
    assert len(said) == 1
    assert said[0].startswith("skipped source nowhere.selectors.examples")


def test_csv_examples_prepend_the_title(tmp_path):
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["id", "title", "text", "label"], ["1", "路灯坏了", "请修理", "城乡建设"], ["2", "", "", "x"]]
        )

    examples = examples_from_csv(path)

    assert [(e.text, e.label, e.source) for e in examples] == [("路灯坏了 请修理", "城乡建设", "rows.csv")]


def test_shipped_examples_add_the_operator_summaries_as_summary_rows_and_never_the_validation_ones(settings, tmp_path):
    # given a complaints CSV and one summaries CSV configured for training
    complaints, summaries = tmp_path / "train.csv", tmp_path / "summaries.csv"
    for path, rows in (
        (complaints, [["小区门口路灯坏了一个月", "城乡建设"]]),
        (summaries, [["工地欠薪三个月", "劳动和社会保障"]]),
    ):
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["text", "label"], *rows])
    settings.CLASSIFIER_TRAINING_CSV = complaints
    settings.CLASSIFIER_SUMMARY_CSVS = [summaries]

    # when the shipped training rows are gathered
    examples = shipped_examples()

    # then the summary is there once, as a summary row (trained on, never scored as a raw message)
    assert [(e.text, e.label, e.source, e.form) for e in examples] == [
        ("小区门口路灯坏了一个月", "城乡建设", "train.csv", "raw"),
        ("工地欠薪三个月", "劳动和社会保障", "summaries.csv", "summary"),
    ]


def test_the_configured_summaries_leave_out_the_validation_and_unseen_sets(settings):
    names = {path.name for path in settings.CLASSIFIER_SUMMARY_CSVS}

    assert settings.CLASSIFIER_VALIDATION_CSV.name not in names
    assert not {f"short_summaries_fresh{n}.csv" for n in (4, 5, 6, 7)} & names
    assert all(path.exists() for path in settings.CLASSIFIER_SUMMARY_CSVS)


def test_near_duplicates_share_a_group_and_distinct_texts_do_not():
    docs = [
        "小区 高层 二次 供水 楼顶 水箱 长年 不洗 自来水 龙头 水 严重 霉味 请 环保部门 检测",
        "自来水 霉味 小区 高层 二次 供水 楼顶 水箱 长年 不洗 自来水 龙头 水 严重 霉味 请 环保部门 检测",
        "公司 拖欠 农民工 工资 半年 劳动 监察 不管",
    ]

    groups = near_duplicate_groups(docs)

    assert groups[0] == groups[1]
    assert groups[2] != groups[0]
    assert len(np.unique(groups)) == 2


@pytest.mark.django_db
def test_train_command_counts_each_source_and_activates(artifacts_dir, settings, tmp_path, capsys):
    # given a small training CSV and one extra source
    path = tmp_path / "train.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "label", "form"])
        writer.writerows([[str(i), e.text, e.label, "raw"] for i, e in enumerate(tiny_examples())])
    settings.CLASSIFIER_EXTRA_SOURCES = ["tests.classifier.test_training.confirmed_examples", "missing.module.fn"]

    # when training runs with grouped CV only
    call_command("train_classifier", "--data", str(path), "--cv", "grouped")

    # then the output says where the examples came from, and the version is active with its scores
    out = capsys.readouterr().out
    assert "examples from train.csv: 36" in out
    assert "examples from tests.classifier.test_training.confirmed_examples: 2" in out
    assert "skipped source missing.module.fn" in out
    version = ModelVersion.objects.get()
    assert version.is_active is True
    assert version.n_examples == 38
    assert version.scores["headline"] == "cv_grouped"
    assert set(version.scores) >= {
        "accuracy",
        "macro_f1",
        "top3_accuracy",
        "auto_coverage",
        "auto_accuracy",
        "cv_grouped",
    }
    assert (artifacts_dir / version.version / "confusion.png").exists()
    assert (artifacts_dir / version.version / "report.json").exists()
