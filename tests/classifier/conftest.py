"""A tiny model trained in the test (a few dozen synthetic complaints, three categories), artifacts in tmp_path."""

import pytest

from classifier import registry, training
from classifier.training import Example

# Three categories with disjoint vocabulary, so the tiny model's answers on these words are certain.
VOCABULARY = {
    "城乡建设": (
        ["小区楼顶水箱", "楼道下水道", "小区路灯", "老旧小区外墙"],
        ["长年不清洗有霉味", "堵塞污水外溢", "损坏无人维修"],
    ),
    "劳动和社会保障": (
        ["公司老板", "建筑工地包工头", "用人单位"],
        ["拖欠农民工工资", "不给缴纳养老保险", "拒绝签订劳动合同", "克扣加班费"],
    ),
    "教育文体": (
        ["学校", "幼儿园", "培训机构"],
        ["违规补课收费", "老师体罚学生", "教室没有空调学生中暑", "乱收资料费"],
    ),
}


def tiny_examples() -> list[Example]:
    examples = []
    for label, (subjects, problems) in VOCABULARY.items():
        for subject in subjects:
            for problem in problems:
                examples.append(Example(text=f"{subject}{problem}，请相关部门尽快处理。", label=label, source="tiny"))
    return examples


# The tiny model learns its vocabulary alone: the 派单目录's rows (catalogue_rows) have tests of their own.
TINY_PARAMS = {"min_df": 1, "char_min_df": 1, "calibration_folds": 3, "catalogue_rows": False}


@pytest.fixture
def artifacts_dir(settings, tmp_path):
    settings.CLASSIFIER_ARTIFACTS_DIR = tmp_path / "models"
    settings.CLASSIFIER_EXTRA_SOURCES = []
    # every tiny text is short: tests of the global and per-category thresholds would otherwise meet
    # the short-text rule, which has tests of its own
    settings.CLASSIFIER_SHORT_TEXT_THRESHOLD = None
    registry.active_model_cache.clear()
    yield settings.CLASSIFIER_ARTIFACTS_DIR
    registry.active_model_cache.clear()


def train_tiny(*, activate: bool = True, params: dict | None = None) -> training.TrainResult:
    return training.train_and_register(
        examples=tiny_examples(), cv="none", activate=activate, params={**TINY_PARAMS, **(params or {})}
    )


@pytest.fixture
def tiny_model(db, artifacts_dir):
    """An active tiny model: (ModelVersion, artifact folder)."""
    result = train_tiny()
    return result.version
