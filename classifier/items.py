"""The item model: a second reader of a call that names the matter item (事项) of the 派单目录 from the
whole text, beside the catalogue's signal words (governance.selectors.catalogue), which decide from the
words they find.

Why a second reader: the words decide on the one word they find, and on callers' own phrasing that word
is often the context, not the matter ("楼上装修天天砸墙，孩子要中考" found 中考 → 招生录取; "征地…建物流园"
found 物流园). A model that has read whole calls of every item weighs all the words of the call.

- Trained on `fixtures/classifier/item_calls.csv` (2,288 calls of the 523 items of the shipped catalogue in
  callers', operators' and 工单 voices, written by other engineers from the item list alone; provenance in
  fixtures/README.md), on each active item's signal words as one more row, so an item a city adds
  or renames is known at once, and on the items of the city's confirmed tickets
  (`dispatch.selectors.ticket_confirmed_items`, ROUTING_ITEM_MODEL_EXTRA_SOURCES): these are read again
  whenever the active classifier version changes (a candidate promoted — weekly or by a supervisor — or a
  rollback), so the item model learns from corrections on the classifier's rhythm. Rows of paths the
  catalogue in use does not hold are dropped.
- Character 1–3-grams and jieba words (in ≥ 2 rows), tf-idf, one linear SVM per item; weights below
  `WEIGHT_FLOOR` dropped and the rest kept sparse (3 MB instead of 55; the same decisions on
  bench/routing.py's sets within a call or two). Training takes about 4 s; each process trains once per
  catalogue content and classifier version (worker start warms it, see classifier/tasks.py) and keeps it in memory.
- The trained model is stored beside the classifier's versions (`ROUTING_ITEM_MODEL_DIR`, named by the
  content's hash): the other processes of a machine load it instead of training it again, and wait
  for it under a file lock when they start together (a prefork pool's children).
- `opinion(text)` gives the top item, its lead unit type and its margin over the best item of another
  unit type: routing (governance.selectors.routing) holds or dispatches by that gap.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string
from scipy import sparse
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from classifier.registry import active_model_cache
from classifier.text import get_tokenizer, normalize

WEIGHT_FLOOR = 0.02
MIN_ROWS = 2
TOP_ITEMS = 40  # the items among which the best one of another unit is looked for


@dataclass(frozen=True)
class ItemOpinion:
    item_path: str
    unit_type: str  # the model's top item's lead department type
    gap: float  # its margin over the best item of another lead unit type (among the top items)


def item_calls_path() -> Path:
    return Path(settings.CLASSIFIER_FIXTURES_DIR) / "item_calls.csv"


def shipped_item_calls() -> list[tuple[str, str]]:
    """(path, text) rows of the shipped item calls, or none when the file is absent."""
    path = item_calls_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["path"], r["text"]) for r in csv.DictReader(f) if r.get("path") and r.get("text")]


def confirmed_items() -> list[tuple[str, str]]:
    """(text, item path) rows of the configured sources (ROUTING_ITEM_MODEL_EXTRA_SOURCES): the items of
    confirmed tickets, what a city's own callers teach."""
    rows = []
    for dotted in settings.ROUTING_ITEM_MODEL_EXTRA_SOURCES:
        rows.extend(import_string(dotted)())
    return rows


def _words(text: str) -> list[str]:
    return get_tokenizer().lcut(text, HMM=False)


class ItemModel:
    def __init__(self, rows: list[tuple[str, str]], lead_types: dict[str, str]):
        """`rows` are (item path, text); `lead_types` maps each path to its lead department type."""
        texts = [normalize(t) for _, t in rows]
        labels = [p for p, _ in rows]
        self.lead_types = lead_types
        self.vectorizers = [
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=MIN_ROWS),
            TfidfVectorizer(tokenizer=_words, token_pattern=None, lowercase=False, sublinear_tf=True, min_df=MIN_ROWS),
        ]
        matrix = hstack([v.fit_transform(texts) for v in self.vectorizers]).tocsr()
        svm = LinearSVC(C=1.0).fit(matrix, labels)
        weights = svm.coef_.astype(np.float32)
        weights[np.abs(weights) < WEIGHT_FLOOR] = 0.0
        self.weights_t = sparse.csr_matrix(weights).T.tocsr()
        self.intercept = svm.intercept_.astype(np.float32)
        self.classes = list(svm.classes_)

    def scores(self, text: str) -> np.ndarray:
        """The score of every item for a text, in the order of `classes` (read-only). Routing asks twice for
        a ticket's scores (its opinion, its duplicate-hint keys) and the intake twice for a call's (its
        hint keys, the hint's reading of it): the last few texts' scores are kept."""
        return _scores(self, text)

    def _read(self, text: str) -> np.ndarray:
        vector = hstack([v.transform([normalize(text)]) for v in self.vectorizers]).tocsr()
        scores = np.asarray((vector @ self.weights_t).todense()).ravel() + self.intercept
        scores.setflags(write=False)
        return scores

    def opinion(self, text: str) -> ItemOpinion:
        scores = self.scores(text)
        order = np.argsort(-scores)[:TOP_ITEMS]
        top = self.classes[order[0]]
        unit = self.lead_types[top]
        rival = next((scores[i] for i in order if self.lead_types[self.classes[i]] != unit), -1.0)
        return ItemOpinion(top, unit, float(scores[order[0]] - rival))


@lru_cache(maxsize=64)
def _scores(model: ItemModel, text: str) -> np.ndarray:
    return model._read(text)


_lock = threading.Lock()
_cache: dict = {"items": None, "version": None, "key": None, "model": None}
FORMAT = 1  # bump when ItemModel's fields change: stored models of another format are trained anew


def item_model() -> ItemModel | None:
    """The model for the active catalogue, trained on first use on this machine (None when it has fewer
    than two items with training rows, or when routing is configured without it)."""
    if not settings.ROUTING_ITEM_MODEL:
        return None
    from governance.selectors.catalogue import catalogue_index

    items = catalogue_index()  # the same tuple while the catalogue is unchanged
    version = active_model_cache.version  # learning: a new classifier version brings the new confirmed items
    if _cache["items"] is items and _cache["version"] == version:
        return _cache["model"]
    content = (
        version,
        FORMAT,
        WEIGHT_FLOOR,
        MIN_ROWS,
        _calls_digest(),
        [(i.path, i.lead_department_type, i.words) for i in items],
    )
    key = hashlib.sha256(repr(content).encode("utf-8")).hexdigest()
    with _lock:
        if _cache["key"] != key:
            _cache.update(key=key, model=_load(key) or _train_once(items, key))
        _cache.update(items=items, version=version)
        return _cache["model"]


def _calls_digest() -> str:
    path = item_calls_path()
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _stored(key: str) -> Path:
    return Path(settings.ROUTING_ITEM_MODEL_DIR) / f"item-model-{key[:20]}.joblib"


def _load(key: str) -> ItemModel | None:
    """The model another process trained for the same catalogue and calls (a prefork pool's children, the
    web workers): loading takes a fraction of a second and none of training's memory."""
    try:
        return joblib.load(_stored(key))
    except Exception:  # noqa: BLE001 — absent, half-written by a crashed process or of an older format: train
        return None


def _train_once(items, key: str) -> ItemModel | None:
    """Train, unless a sibling process is training the same model: then wait for it and load its file (a
    pool's children all start at once; measured at make run, three trained side by side in 5.6-5.9 s)."""
    folder = Path(settings.ROUTING_ITEM_MODEL_DIR)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = (folder / "item-model.lock").open("a")
    except OSError:
        return _train(items, key)
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _load(key) or _train(items, key)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _train(items, key: str) -> ItemModel | None:
    lead_types = {i.path: i.lead_department_type for i in items}
    rows = [(p, t) for p, t in shipped_item_calls() if p in lead_types]
    rows += [(i.path, "，".join(i.words)) for i in items if i.words]
    rows += [(p, t) for t, p in confirmed_items() if p in lead_types]
    if len({p for p, _ in rows}) < 2:
        return None
    model = ItemModel(rows, lead_types)
    path = _stored(key)
    try:
        partial = path.with_suffix(f".{os.getpid()}.part")
        joblib.dump(model, partial)
        os.replace(partial, path)  # whole or not at all, for the processes reading it
    except OSError:
        pass  # a read-only artifacts folder: this process keeps its own copy
    return model


def item_opinion(text: str) -> ItemOpinion | None:
    model = item_model()
    return model.opinion(text) if model is not None and text else None


def item_model_forget() -> None:
    """Drop this process's model (the next call loads the stored one, or trains): as a new process would."""
    with _lock:
        _cache.update(items=None, version=None, key=None, model=None)
