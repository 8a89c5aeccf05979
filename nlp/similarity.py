"""Same idea or just the same topic? A combined measure of two Thai texts.

Signals (see DESIGN.md): a sentence embedding says "same topic" well but cannot tell
"เพิ่มที่จอดรถผู้พิการ" from "เพิ่มทางลาดสำหรับรถเข็นผู้พิการ"; plain word overlap points the wrong
way there. So the score combines, in a logistic model fitted on our own labelled pairs:

- ``cos``: cosine of the two sentence vectors (multilingual USE);
- ``coverage``: how well the content words of one text are matched by words of the other
  (each word's best cosine to a word of the other text, weighted by IDF: synonyms and registers
  such as "คนแก่"/"ผู้สูงอายุ" still match);
- ``key``: how well the *most specific* words of the shorter text (highest IDF: the object of the
  idea, e.g. "ราวจับ", "ทางลาด") are matched in the other: a different object means a different idea.

The weights and the threshold live in ``nlp/data/similarity.json`` (``manage.py tune_similarity``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import encoder, pipeline

PARAMS_PATH = Path(__file__).resolve().parent / "data" / "similarity.json"
FEATURES = ("cos", "coverage", "key")
MAX_WORDS = 40
KEY_WORDS = 3

DEFAULT_PARAMS = {"weights": [2.75, 0.2, 3.9], "intercept": -3.5, "threshold": 0.42}


@dataclass
class Signature:
    vector: np.ndarray  # (512,) float32, L2-normalised (zeros for an empty text)
    words: list[str]  # distinct content words, in order


_params: dict | None = None


def params() -> dict:
    global _params
    if _params is None:
        try:
            _params = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _params = dict(DEFAULT_PARAMS)
    return _params


def params_set(new: dict | None) -> None:
    global _params
    _params = new


def threshold() -> float:
    return float(params()["threshold"])


def content_words(text: str) -> list[str]:
    return list(dict.fromkeys(pipeline.content_words(pipeline.tokenize(text))))[:MAX_WORDS]


def signatures(texts: list[str]) -> list[Signature]:
    vectors = encoder.encode(texts)
    return [Signature(vector=vectors[i], words=content_words(text)) for i, text in enumerate(texts)]


def signature(text: str) -> Signature:
    return signatures([text])[0]


def _idf(words: list[str]) -> np.ndarray:
    from .tagger import bundle

    model = bundle()
    return np.array([model.idf.get(w, model.max_idf) for w in words], dtype=np.float32)


def word_vectors(words: list[str]) -> np.ndarray:
    return encoder.encode_words(words) if words else np.zeros((0, encoder.DIM), dtype=np.float32)


def features(
    a: Signature, b: Signature, wa: np.ndarray | None = None, wb: np.ndarray | None = None
) -> list[float]:
    cos = float(np.clip(a.vector @ b.vector, -1.0, 1.0))
    if not a.words or not b.words:
        return [cos, 0.0, 0.0]
    wa = word_vectors(a.words) if wa is None else wa
    wb = word_vectors(b.words) if wb is None else wb
    sims = wa @ wb.T
    ia, ib = _idf(a.words), _idf(b.words)
    best_a, best_b = sims.max(axis=1), sims.max(axis=0)
    cover_a = float((best_a * ia).sum() / ia.sum())
    cover_b = float((best_b * ib).sum() / ib.sum())
    best, weights = (best_a, ia) if len(a.words) <= len(b.words) else (best_b, ib)
    key = float(best[np.argsort(-weights, kind="stable")[:KEY_WORDS]].min())
    return [cos, max(cover_a, cover_b), key]


def combine(values: list[float]) -> float:
    p = params()
    z = p["intercept"] + sum(w * v for w, v in zip(p["weights"], values, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def score(a: Signature, b: Signature) -> float:
    if not a.vector.any() or not b.vector.any():
        return 0.0
    return combine(features(a, b))


def fit(pairs: list[dict]) -> dict:
    """Fit weights + threshold on labelled pairs ({"a", "b", "duplicate"}); returns the params."""
    from sklearn.linear_model import LogisticRegression

    texts = list(dict.fromkeys([p["a"] for p in pairs] + [p["b"] for p in pairs]))
    sigs = dict(zip(texts, signatures(texts), strict=True))
    x = np.array([features(sigs[p["a"]], sigs[p["b"]]) for p in pairs])
    y = np.array([bool(p["duplicate"]) for p in pairs])
    model = LogisticRegression(C=10.0, max_iter=1000).fit(x, y)
    probabilities = model.predict_proba(x)[:, 1]
    candidates = np.round(np.arange(0.2, 0.81, 0.01), 2)
    accuracy = [float(((probabilities >= t) == y).mean()) for t in candidates]
    best = int(np.argmax(accuracy))
    return {
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 4),
        "threshold": float(candidates[best]),
        "fitted_on": len(pairs),
        "fit_accuracy": round(accuracy[best], 4),
    }


def evaluate(pairs: list[dict]) -> dict:
    """Same-idea accuracy at the threshold + recall@1/@5 of each true partner in the pool."""
    texts = list(dict.fromkeys([p["a"] for p in pairs] + [p["b"] for p in pairs]))
    index = {t: i for i, t in enumerate(texts)}
    sigs = signatures(texts)
    vectors = [word_vectors(s.words) for s in sigs]
    n = len(texts)
    matrix = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if not sigs[i].vector.any() or not sigs[j].vector.any():
                value = 0.0
            else:
                value = combine(features(sigs[i], sigs[j], vectors[i], vectors[j]))
            matrix[i, j] = matrix[j, i] = value
    th = threshold()
    correct = 0
    for p in pairs:
        predicted = matrix[index[p["a"]], index[p["b"]]] >= th
        correct += int(predicted == bool(p["duplicate"]))
    hits1 = hits5 = queries = 0
    for p in pairs:
        if not p["duplicate"]:
            continue
        for src, dst in ((p["a"], p["b"]), (p["b"], p["a"])):
            i, j = index[src], index[dst]
            row = matrix[i].copy()
            row[i] = -1.0
            rank = int((row > row[j]).sum())
            queries += 1
            hits1 += int(rank < 1)
            hits5 += int(rank < 5)
    return {
        "pairs": len(pairs),
        "duplicates": sum(1 for p in pairs if p["duplicate"]),
        "accuracy": correct / len(pairs) if pairs else 0.0,
        "recall_at_1": hits1 / queries if queries else 0.0,
        "recall_at_5": hits5 / queries if queries else 0.0,
        "threshold": th,
        "pool": n,
    }
