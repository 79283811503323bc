import json

import numpy as np
import pytest

from classifier import registry
from classifier.models import ModelVersion
from classifier.registry import ModelLoadError, artifact_load, library_versions
from classifier.services import model_activate
from tests.classifier.conftest import tiny_examples, train_tiny

pytestmark = pytest.mark.django_db


def test_training_writes_a_versioned_folder_with_metadata(artifacts_dir):
    result = train_tiny()

    folder = artifacts_dir / result.version.version
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert (folder / "model.joblib").exists()
    assert (folder / "report.md").exists()
    assert metadata["library_versions"] == library_versions()
    assert metadata["n_examples"] == 36
    assert metadata["sources"] == {"tiny": 36}
    assert metadata["categories"] == ["劳动和社会保障", "城乡建设", "教育文体"]
    assert metadata["params"]["min_df"] == 1
    assert len(metadata["data_hash"]) == 64
    assert result.version.is_active is True


def test_persistence_round_trip_gives_the_same_probabilities(artifacts_dir):
    # given a model trained in this process
    result = train_tiny()
    texts = [e.text for e in tiny_examples()[:5]] + ["学校门口的路灯坏了"]
    fitted = registry.get_active_model().pipeline

    # when it is loaded again from disk
    loaded = artifact_load(result.version.version)

    # then it predicts exactly the same
    np.testing.assert_array_equal(loaded.predict_proba(texts), fitted.predict_proba(texts))


def test_a_library_version_mismatch_is_refused_on_load(artifacts_dir):
    result = train_tiny()
    meta_path = artifacts_dir / result.version.version / "metadata.json"
    metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    metadata["library_versions"]["scikit-learn"] = "0.24.2"
    meta_path.write_text(json.dumps(metadata), encoding="utf-8")
    registry.active_model_cache.clear()

    with pytest.raises(ModelLoadError, match="scikit-learn 0.24.2"):
        registry.get_active_model()


def test_activating_an_incompatible_version_changes_nothing(artifacts_dir):
    # given an active version and a second one written by other library versions
    first = train_tiny().version
    second = train_tiny(activate=False).version
    meta_path = artifacts_dir / second.version / "metadata.json"
    metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    metadata["library_versions"]["numpy"] = "1.0.0"
    meta_path.write_text(json.dumps(metadata), encoding="utf-8")

    # when someone activates the second
    with pytest.raises(ModelLoadError):
        model_activate(version=second)

    # then the first stays the only active one
    assert list(ModelVersion.objects.filter(is_active=True).values_list("version", flat=True)) == [first.version]


def test_an_altered_model_file_is_refused(artifacts_dir):
    result = train_tiny()
    model_file = artifacts_dir / result.version.version / "model.joblib"
    model_file.write_bytes(model_file.read_bytes() + b"x")

    with pytest.raises(ModelLoadError, match="校验和"):
        artifact_load(result.version.version)


def test_the_active_model_is_loaded_once_and_follows_activation(artifacts_dir, monkeypatch):
    first = train_tiny().version
    loaded = registry.get_active_model()
    assert registry.get_active_model() is loaded  # cached

    second = train_tiny(activate=False).version
    model_activate(version=second)  # clears this process's cache on commit
    registry.active_model_cache.clear()  # tests run inside a transaction that never commits

    assert registry.get_active_model().version == second.version
    assert first.version != second.version


def test_an_artifact_from_before_the_fast_path_still_loads_and_classifies(artifacts_dir):
    # given a version saved as older code saved them: float64 coefficients, no jieba-next in its metadata
    from classifier.services import classify

    result = train_tiny()
    folder = artifacts_dir / result.version.version
    pipeline = artifact_load(result.version.version)
    estimator = pipeline.named_steps["model"].calibrated_classifiers_[0].estimator
    estimator.coef_ = estimator.coef_.astype(np.float64)
    expected = pipeline.predict_proba(["学校违规补课收费"])
    registry.joblib.dump(pipeline, folder / registry.MODEL_FILE, compress=3)
    metadata = json.loads((folder / registry.METADATA_FILE).read_text(encoding="utf-8"))
    del metadata["library_versions"]["jieba-next"]
    metadata["model_sha256"] = registry._sha256(folder / registry.MODEL_FILE)
    (folder / registry.METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    registry.active_model_cache.clear()

    # when it serves
    prediction = classify("学校违规补课收费")

    # then it gives the probabilities it was trained to give
    assert prediction.top.code == "教育文体"
    assert prediction.top.probability == pytest.approx(expected.max(), abs=1e-6)
