"""Model artifacts on disk and the per-process cache of the active model.

Layout: settings.CLASSIFIER_ARTIFACTS_DIR/<version>/
    model.joblib     the whole sklearn Pipeline (preprocessing → features → calibrated linear model)
    metadata.json    library versions, training-data hash, parameters, scores, file checksum
    report.json, report.md, confusion.png   the training report

A pipeline is loaded once per process and shared by every thread (prediction only reads it). Which
version is active is checked against the database at most every ACTIVE_CHECK_SECONDS, so activating
or rolling back reaches every web and worker process within seconds without a query per call.
"""

from __future__ import annotations

import hashlib
import json
import platform
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import jieba
import jieba_next
import joblib
import numpy as np
import scipy
import sklearn
from django.conf import settings

from common.errors import ApplicationError, ServiceUnavailable

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
ACTIVE_CHECK_SECONDS = 5.0


class NoActiveModel(ServiceUnavailable):
    """No classifier version is active (train one with `manage.py train_classifier`)."""

    code = "no_active_model"


class ModelLoadError(ApplicationError):
    """An artifact is missing, altered, or was written by other library versions."""

    code = "model_load_error"


def library_versions() -> dict[str, str]:
    # Python's minor version too: pickles of sklearn objects are not promised to cross it.
    return {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "jieba": jieba.__version__,
        # the segmenter since this key was added; an older artifact without it loads (same tokens)
        "jieba-next": jieba_next.__version__,
    }


def artifacts_dir() -> Path:
    return Path(settings.CLASSIFIER_ARTIFACTS_DIR)


def artifact_path(version: str) -> Path:
    return artifacts_dir() / version


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def artifact_save(*, version: str, pipeline, metadata: dict) -> Path:
    """Write model.joblib and metadata.json into a new folder; refuses to overwrite a version."""
    folder = artifact_path(version)
    folder.mkdir(parents=True, exist_ok=False)
    joblib.dump(pipeline, folder / MODEL_FILE, compress=3)
    metadata = {
        **metadata,
        "version": version,
        "library_versions": library_versions(),
        "model_sha256": _sha256(folder / MODEL_FILE),
    }
    (folder / METADATA_FILE).write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def artifact_metadata(version: str) -> dict:
    path = artifact_path(version) / METADATA_FILE
    if not path.exists():
        raise ModelLoadError(f"模型 {version} 的 metadata.json 不存在: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def artifact_load(version: str):
    """The fitted Pipeline of `version`. Raises ModelLoadError on any mismatch (never loads anyway)."""
    metadata = artifact_metadata(version)
    expected = metadata.get("library_versions") or {}
    current = library_versions()
    differing = {k: (v, current.get(k)) for k, v in expected.items() if current.get(k) != v}
    if differing:
        detail = ", ".join(f"{k} {old} → {new}" for k, (old, new) in sorted(differing.items()))
        raise ModelLoadError(
            f"模型 {version} 由不同的库版本训练 ({detail}); 请重新训练", extra={"differing": sorted(differing)}
        )
    model_file = artifact_path(version) / MODEL_FILE
    if not model_file.exists():
        raise ModelLoadError(f"模型 {version} 的文件不存在: {model_file}")
    if metadata.get("model_sha256") and _sha256(model_file) != metadata["model_sha256"]:
        raise ModelLoadError(f"模型 {version} 的文件与 metadata.json 的校验和不符")
    return joblib.load(model_file)


@dataclass(frozen=True)
class LoadedModel:
    version: str
    pipeline: object
    classes: np.ndarray
    explainer: object  # classifier.explain.Explainer
    compiled: object  # classifier.inference.CompiledModel: what predictions go through

    @classmethod
    def from_pipeline(cls, *, version: str, pipeline) -> "LoadedModel":
        from classifier.explain import Explainer
        from classifier.inference import CompiledModel

        return cls(
            version=version,
            pipeline=pipeline,
            classes=np.asarray(pipeline.classes_),
            explainer=Explainer.for_pipeline(pipeline),
            compiled=CompiledModel.from_pipeline(pipeline),
        )

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities of raw texts (columns in `classes` order), as the Pipeline gives them."""
        return self.compiled.predict_proba(texts)


class _ActiveModelCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._loaded: LoadedModel | None = None
        self._active_version: str | None = None
        self._checked_at = float("-inf")

    def clear(self):
        with self._lock:
            self._loaded = None
            self._active_version = None
            self._checked_at = float("-inf")

    @property
    def version(self) -> str | None:
        """The active version this process last saw (None before its first prediction)."""
        return self._active_version

    def _active_version_from_db(self) -> str | None:
        from classifier.models import ModelVersion

        return ModelVersion.objects.filter(is_active=True).values_list("version", flat=True).first()

    def get(self) -> LoadedModel:
        now = time.monotonic()
        loaded = self._loaded
        if loaded is not None and now - self._checked_at < ACTIVE_CHECK_SECONDS:
            return loaded
        with self._lock:
            if self._loaded is not None and now - self._checked_at < ACTIVE_CHECK_SECONDS:
                return self._loaded
            version = self._active_version_from_db()
            if version is None:
                self._loaded, self._active_version = None, None
                raise NoActiveModel("没有启用的分类模型; 请先运行 manage.py train_classifier")
            if self._loaded is None or self._loaded.version != version:
                self._loaded = LoadedModel.from_pipeline(version=version, pipeline=artifact_load(version))
            self._active_version = version
            self._checked_at = now
            return self._loaded


active_model_cache = _ActiveModelCache()


def get_active_model() -> LoadedModel:
    """The active model, loaded once per process and re-checked against the database every few seconds."""
    return active_model_cache.get()
