"""The 派单目录's words as training rows (classifier/pipeline.py, `catalogue_rows`)."""

import numpy as np
import pytest

from classifier import text
from classifier.pipeline import build_pipeline, catalogue_docs, fit_on_tokens
from governance.models import CatalogueItem
from tests.classifier.conftest import VOCABULARY, tiny_examples

pytestmark = pytest.mark.django_db  # the rows come from the database's catalogue, the shipped one while it is empty

PARAMS = {"min_df": 1, "char_min_df": 1, "calibration_folds": 3, "catalogue_rows": True}


def test_rows_come_from_the_active_items_of_the_categories_asked_for():
    assert not CatalogueItem.objects.exists()  # the shipped catalogue, then
    docs, labels = catalogue_docs({"城乡建设"})

    assert docs and set(labels) == {"城乡建设"}
    assert all(docs)  # an item with nothing but "其他" says nothing and is left out
    assert any("暖气" in doc.split() for doc in docs)  # 冬季采暖: the taxonomy files heating under 城乡建设
    assert catalogue_docs({"没有这个分类"}) == ([], [])


def test_every_fit_learns_the_catalogue_of_its_own_categories_only():
    examples = tiny_examples()
    docs = [text.preprocess(e.text) for e in examples]
    labels = [e.label for e in examples]
    extra, _ = catalogue_docs(set(labels))
    assert not any("暖气" in e.text for e in examples)
    pipeline = build_pipeline(PARAMS)

    fit_on_tokens(pipeline, docs, labels, params=PARAMS)

    assert set(pipeline.classes_) == set(VOCABULARY)  # no category of the catalogue the data lacks
    model = pipeline.named_steps["model"]
    assert model.calibrated_classifiers_[0].estimator.memory_.shape[1] == len(examples) + len(extra)
    proba = pipeline.predict_proba(["家里暖气不热"])[0]
    assert pipeline.classes_[int(np.argmax(proba))] == "城乡建设"  # a word only the catalogue taught it


def test_without_the_option_the_fit_is_the_data_alone():
    examples = tiny_examples()
    docs = [text.preprocess(e.text) for e in examples]
    params = {**PARAMS, "catalogue_rows": False}
    pipeline = build_pipeline(params)

    fit_on_tokens(pipeline, docs, [e.label for e in examples], params=params)

    assert pipeline.named_steps["model"].calibrated_classifiers_[0].estimator.memory_.shape[1] == len(examples)


def test_a_city_s_own_catalogue_is_what_training_learns():
    item = dict(lead_department_type="chengguan", level="district", kind="functional", place_needed="district")
    CatalogueItem.objects.create(
        level1="城乡建设", level2="市容", level3="共享单车", signal_words="单车堆放、乱停单车", **item
    )
    CatalogueItem.objects.create(
        level1="城乡建设", level2="市容", level3="停用", signal_words="不用了", is_active=False, **item
    )

    docs, labels = catalogue_docs({"城乡建设", "教育文体"})

    assert labels == ["城乡建设"] and docs == [text.preprocess("共享单车，单车堆放，乱停单车")]
