"""Candidate versions from confirmed corrections: compared with the active one, promoted only when not worse."""

import csv

import pytest
from django.utils import timezone

from classifier import candidates
from classifier.models import ModelComparison, ModelVersion
from classifier.training import Example
from dispatch.models import Ticket
from tests.classifier.conftest import TINY_PARAMS, tiny_examples

CONFIRMED_SOURCE = "tests.classifier.test_candidates.confirmed_pairs"
CONFIRMED: list[tuple[str, str]] = []


def confirmed_pairs():
    """Stands in for dispatch.selectors.ticket_confirmed_examples."""
    return list(CONFIRMED)


def _write(path, examples):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows([ex.text, ex.label] for ex in examples)


VALIDATION = [
    Example(text="学校违规补课收费，请教育局查处", label="教育文体", source="v"),
    Example(text="幼儿园乱收资料费", label="教育文体", source="v"),
    Example(text="培训机构老师体罚学生", label="教育文体", source="v"),
    Example(text="公司老板拖欠农民工工资", label="劳动和社会保障", source="v"),
    Example(text="用人单位不给缴纳养老保险", label="劳动和社会保障", source="v"),
    Example(text="小区楼顶水箱长年不清洗有霉味", label="城乡建设", source="v"),
]


# Training-side copies of the education validation texts carrying the labour label: a model that
# learns them is worse on those rows.
def _poison(n: int = 60) -> list[tuple[str, str]]:
    bases = [ex.text for ex in VALIDATION if ex.label == "教育文体"]
    pairs, i = [], 0
    while len(pairs) < n:
        text = f"{bases[i % len(bases)]}，第{i}次反映"
        if not candidates._in_eval_slice(text):
            pairs.append((text, "劳动和社会保障"))
        i += 1
    return pairs


@pytest.fixture
def setup(artifacts_dir, settings, tmp_path, db):
    shipped = tmp_path / "shipped.csv"
    _write(shipped, tiny_examples())
    validation = tmp_path / "validation.csv"
    _write(validation, VALIDATION)
    settings.CLASSIFIER_TRAINING_CSV = shipped
    settings.CLASSIFIER_VALIDATION_CSV = validation
    settings.CLASSIFIER_EXTRA_SOURCES = [CONFIRMED_SOURCE]
    CONFIRMED.clear()
    yield
    CONFIRMED.clear()


def _train_active(examples):
    from classifier.training import train_and_register

    return train_and_register(examples=examples, cv="none", activate=True, params=TINY_PARAMS).version


def test_a_worse_candidate_is_registered_but_not_promoted(setup):
    # given an active model trained on the clean examples, and confirmed "corrections" that mislabel schools
    active = _train_active(tiny_examples())
    CONFIRMED.extend(_poison())

    # when a candidate is trained on shipped + confirmed examples
    comparison = candidates.candidate_train(params=TINY_PARAMS)

    # then it is worse on the same validation rows, kept, and the active version did not change
    assert comparison.decision == ModelComparison.Decision.KEPT
    assert comparison.baseline == active
    assert comparison.n_validation == len(VALIDATION) and comparison.n_confirmed == 0
    assert comparison.candidate_scores["accuracy"] < comparison.baseline_scores["accuracy"]
    assert ModelVersion.objects.get(is_active=True) == active
    assert ModelVersion.objects.filter(pk=comparison.candidate.pk, is_active=False).exists()


def test_a_better_candidate_is_promoted(setup):
    # given an active model that learned the mislabelled schools
    poisoned = [Example(text=t, label=label, source="old") for t, label in _poison()]
    active = _train_active(tiny_examples() + poisoned)

    # when a candidate is trained on the shipped examples (the corrections withdrew the bad ones)
    comparison = candidates.candidate_train(params=TINY_PARAMS)

    # then it is better on the same rows and is the active version now
    assert comparison.decision == ModelComparison.Decision.PROMOTED
    assert comparison.candidate_scores["accuracy"] > comparison.baseline_scores["accuracy"]
    assert comparison.candidate_scores["n"] == comparison.baseline_scores["n"] == len(VALIDATION)
    assert ModelVersion.objects.get(is_active=True) == comparison.candidate
    active.refresh_from_db()
    assert active.is_active is False


def test_a_supervisor_may_promote_a_kept_candidate_with_a_reason(setup, django_user_model):
    active = _train_active(tiny_examples())
    CONFIRMED.extend(_poison())
    comparison = candidates.candidate_train(params=TINY_PARAMS)
    supervisor = django_user_model.objects.create_user(username="sup", password="x")

    with pytest.raises(Exception, match="理由"):
        candidates.candidate_promote(comparison=comparison, by=supervisor, reason="  ")
    assert ModelVersion.objects.get(is_active=True) == active

    chosen = candidates.candidate_promote(comparison=comparison, by=supervisor, reason="新版对本市新业务更准")

    assert (chosen.decision, chosen.decided_by, chosen.reason) == ("chosen", supervisor, "新版对本市新业务更准")
    assert ModelVersion.objects.get(is_active=True) == comparison.candidate


def test_a_confirmed_correction_appears_in_the_next_training_set_exactly_once(setup, settings):
    # given a closed ticket whose category a person corrected (改派 then 审核), read by the real selector
    settings.CLASSIFIER_EXTRA_SOURCES = ["dispatch.selectors.ticket_confirmed_examples"]
    text = "小区门口早餐摊占道经营油烟扰民，联系电话13812345678"
    Ticket.objects.create(
        number="T1",
        content=text,
        created_at=timezone.now(),
        status=Ticket.Status.CLOSED,
        category_code="城乡建设",
        category_confirmed=True,
    )
    Ticket.objects.create(  # not confirmed by a person: never an example
        number="T2",
        content="另一条未确认",
        created_at=timezone.now(),
        status=Ticket.Status.CLOSED,
        category_code="城乡建设",
    )
    masked = "小区门口早餐摊占道经营油烟扰民，联系电话[手机号]"

    # when the next training set is gathered (full training, and a candidate's training + evaluation)
    from classifier.training import examples_from_csv, examples_from_extra_sources, training_csv_path

    full = examples_from_csv(training_csv_path()) + examples_from_extra_sources()
    train, evaluation, _ = candidates.candidate_examples()

    # then the correction is there once, masked, with the corrected category; a candidate has it on one side only
    assert [(ex.text, ex.label) for ex in full if "早餐摊" in ex.text] == [(masked, "城乡建设")]
    assert not any("未确认" in ex.text for ex in full)
    sides = [ex for ex in train + evaluation if ex.text == masked]
    assert len(sides) == 1
    assert (sides[0] in evaluation) == candidates._in_eval_slice(masked)


def test_the_models_page_shows_the_comparison_and_a_supervisor_choice_is_recorded(setup, client, zhengzhou_small):
    from governance import roles
    from tests.factories import StaffProfileFactory, UserFactory

    active = _train_active(tiny_examples())
    CONFIRMED.extend(_poison())
    comparison = candidates.candidate_train(params=TINY_PARAMS)
    supervisor = UserFactory(username="sup", roles=[roles.SUPERVISOR])
    StaffProfileFactory(user=supervisor, department=None, region=zhengzhou_small.district)
    client.force_login(supervisor)

    html = client.get("/models/").content.decode()
    assert 'id="model-comparisons"' in html
    assert comparison.candidate.version in html and active.version in html
    assert "劣于现用版本，未启用" in html

    client.post("/models/candidates/", {"action": "promote", "comparison": comparison.pk, "reason": "试用一周"})

    comparison.refresh_from_db()
    assert (comparison.decision, comparison.decided_by, comparison.reason) == ("chosen", supervisor, "试用一周")
    assert ModelVersion.objects.get(is_active=True) == comparison.candidate
