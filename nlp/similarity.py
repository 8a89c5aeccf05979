"""Same idea or just the same topic? A combined measure of two Thai texts.

Since the pair model (``nlp.pairmodel``, both texts read at once) decides, this measure ranks: it
picks the candidates the pair model reads in ``services.similar`` (it is fast and needs only what
a stored signature holds), and ``evaluate`` reports its own accuracy beside the pair model's.

Signals (see DESIGN.md): a sentence embedding says "same topic" well but cannot tell
"เพิ่มที่จอดรถผู้พิการ" from "เพิ่มทางลาดสำหรับรถเข็นผู้พิการ"; plain word overlap points the wrong
way there. So the score combines, in a logistic model fitted on our own labelled pairs:

- ``cos``: cosine of the two sentence vectors (multilingual USE);
- ``coverage``: how well the content words of one text are matched by words of the other
  (each word's best cosine to a word of the other text, weighted by IDF; synonyms listed in
  ``data/idea_frames.json`` or in the Thai WordNet that pythainlp ships, such as
  "คนแก่"/"ผู้สูงอายุ", count as a full match);
- ``key``: how well the *most specific* words of the shorter text (highest IDF, e.g. "ราวจับ",
  "ทางลาด") are matched in the other;
- ``object``: is the object of each idea ("ที่จอดรถ" in "เพิ่มที่จอดรถผู้พิการ", found by the rules
  of ``nlp/frames.py``; its specific word when the head is generic: "ชาร์จ" in "จุดชาร์จ") named
  in the other text (same word, listed synonym, compound, or close word vector)? The mean of
  the two directions (the lower one punished paraphrases that describe the problem, whose own
  object is often missed by the rules: "ฝนตกทีไรโรงยิมน้ำหยด" for "ซ่อมหลังคาโรงยิม");
- ``action``: do both ask for the same kind of action (add / reduce / stop / repair / clean /
  inspect / inform / train / extend; for a ban, the same banned act): 1, different: 0, unknown
  or only a side action of the other: 0.5;
- ``frame``: object × action — the same thing *and* the same thing to do with it;
- ``specific``: ``key`` in both directions, the higher one: are the most specific words of one
  of the two texts all matched in the other? The lexical signal that held up best on pairs
  from agencies the rules were not written for (a hard negative names a specific thing of its
  own: "พัดลม" vs "หลังคา");
- ``detail``: are the details of each object (its modifiers and whom it is for: "ผู้พิการ" in
  "ห้องน้ำสำหรับผู้พิการ") named in the other text? The least matched one (``detail_match``).

The score is a product of two logistic models: P(same topic) from the first three (sentence
and word similarity) × P(same idea | same topic) from the last five (the frame, ``specific``
and ``detail``). One linear model over all of them had to trade the two jobs off: sentence similarity is what tells apart ideas
on different topics (ranking a pool of ideas), but among ideas on the *same* topic it points the
wrong way (a hard negative "ขอให้ติดตั้งเก้าอี้ที่ป้ายรถเมล์" shares more words with "ขอให้ติดตั้ง
หลังคาที่ป้ายรถเมล์" than an informal paraphrase does). ``manage.py tune_similarity`` fits both on
the training pairs only: the topic model separates the labelled pairs (all on one topic, same
idea or not) from the pool's other pairs; the idea model separates the labelled same-idea pairs
from the labelled different-idea ones; the threshold is chosen by cross-validation. Weights and
threshold live in ``nlp/data/similarity.json``. ``manage.py evaluate_similarity FILE`` reports a
held-out file. The action and object of a stored idea are part of its stored signature
(``TextSignature.frame``; ``manage.py backfill_signatures`` recomputes old ones).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import encoder, frames, pairmodel, pipeline

DATA_DIR = Path(__file__).resolve().parent / "data"
PARAMS_PATH = DATA_DIR / "similarity.json"
# the pairs the measure is fitted on: the first set, then one written so that style (register,
# length, shared letters) does not give the label away (see `style_baselines`)
TRAIN_FILES = (
    DATA_DIR / "similarity_pairs_train.jsonl",
    DATA_DIR / "similarity_pairs_train_balanced.jsonl",
)
TOPIC_FEATURES = ("cos", "coverage", "key")
IDEA_FEATURES = ("object", "action", "frame", "specific", "detail")
FEATURES = TOPIC_FEATURES + IDEA_FEATURES
MAX_WORDS = 40
# bumped when what a stored signature holds changes (content words, frame rules): 1 = banned
# acts, requested action first, generic heads; 2 = agents ("มีแม่บ้านมาล้าง"), "มี" after the
# request's subject; 3 = agencies and the people an idea speaks for are never its object
# ("ขอให้เทศบาลติดตั้ง..."); 4 = whom the object is for ("สำหรับผู้พิการ") joins its details,
# formal request markers; 5 = more listed synonyms (merged into one token: "หญิงตั้งครรภ์");
# 6 = the pair model's pieces (`TextSignature.pair_tokens`);
# rows of an older version are recomputed by `manage.py backfill_signatures`
SIGNATURE_VERSION = 6
KEY_WORDS = 3

DEFAULT_PARAMS = {  # the fitted params at the time of writing, used if the data file is unreadable
    "topic": {"weights": [6.3464, 5.131, 1.1293], "intercept": -5.1258},
    "idea": {"weights": [1.5891, 0.3549, 1.6604, 1.688, 0.9266], "intercept": -3.6102},
    "threshold": 0.45,
}


@dataclass
class Signature:
    vector: np.ndarray  # (512,) float32, L2-normalised (zeros for an empty text)
    words: list[str]  # distinct content words, in order
    frame: frames.Frame = field(default_factory=frames.Frame)  # action + object of the idea


_params: dict | None = None


def params() -> dict:
    global _params
    if _params is None:
        try:
            loaded = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))
            if len(loaded["topic"]["weights"]) != len(TOPIC_FEATURES) or len(
                loaded["idea"]["weights"]
            ) != len(IDEA_FEATURES):
                raise ValueError("params for another feature set")
            _params = loaded
        except (OSError, ValueError, KeyError, TypeError):
            _params = dict(DEFAULT_PARAMS)
    return _params


def params_set(new: dict | None) -> None:
    global _params
    _params = new


def threshold() -> float:
    return float(params()["threshold"])


# the score given out: the pair model's log-odds averaged with this measure's (centred on its own
# threshold). Alone the pair model is over-sure where its training pairs never were: a few words
# typed against a long stored idea ("ขอทางลาดสำหรับรถเข็น" scored 0.97–0.99 against five demo
# ideas, three of them about other things); this measure is not
BLEND = 0.5


def _log_odds(p):
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def blended(pair_probability, combined):
    """The score given out (0..1): ``BLEND`` of this measure's log-odds (centred on its
    threshold) with the pair model's."""
    z = (1 - BLEND) * _log_odds(pair_probability) + BLEND * (
        _log_odds(combined) - _log_odds(threshold())
    )
    return 1.0 / (1.0 + np.exp(-z))


def content_words(text: str) -> list[str]:
    return list(dict.fromkeys(pipeline.content_words(pipeline.tokenize(text))))[:MAX_WORDS]


def signatures(texts: list[str]) -> list[Signature]:
    vectors = encoder.encode(texts)
    return [
        Signature(vector=vectors[i], words=content_words(text), frame=frames.extract(text))
        for i, text in enumerate(texts)
    ]


def signature(text: str) -> Signature:
    return signatures([text])[0]


def idf_weights(words: list[str]) -> np.ndarray:
    """The tagger's IDF of each word (the highest IDF for a word it has not seen)."""
    from .tagger import bundle

    model = bundle()
    return np.array([model.idf.get(w, model.max_idf) for w in words], dtype=np.float32)


def word_vectors(words: list[str]) -> np.ndarray:
    return encoder.encode_words(words) if words else np.zeros((0, encoder.DIM), dtype=np.float32)


def _found(word: str, others: list[str], vectors: np.ndarray) -> float:
    """How well `word` is named in `others`: 1.0 for the same word, a listed synonym or a compound
    of it, else the best cosine of the words' vectors (0 when `others` is empty)."""
    if any(frames.same_word(word, other) for other in others):
        return 1.0
    if not others:
        return 0.0
    vector = encoder.encode_words([word])[0]
    return float(max(0.0, float((vectors @ vector).max())))


def _pool(other: Signature, vectors: np.ndarray | None) -> tuple[list[str], np.ndarray]:
    """The other text's words and object words (the object may be a merged compound), with
    their vectors."""
    extra = [w for w in other.frame.objects if w not in other.words]
    pool = list(other.words) + extra
    if vectors is None:
        vectors = word_vectors(other.words)
    if extra:
        vectors = np.vstack([vectors, word_vectors(extra)])
    return pool, vectors


def object_match(
    a: Signature, b: Signature, wa: np.ndarray | None = None, wb: np.ndarray | None = None
) -> float:
    """Is the object of each idea named in the other? The mean of the two directions (the
    specific word of A's object among B's words and object, and the reverse; one direction when
    only one has an object); 0.5 when neither has an object."""
    values = []
    for this, other, vectors in ((a, b, wb), (b, a, wa)):
        if not this.frame.objects:
            continue
        pool, pool_vectors = _pool(other, vectors)
        values.append(_found(this.frame.head, pool, pool_vectors))
    return sum(values) / len(values) if values else 0.5


def detail_match(
    a: Signature, b: Signature, wa: np.ndarray | None = None, wb: np.ndarray | None = None
) -> float:
    """Are the details of each idea's object (its modifiers and whom it is for: "ผู้พิการ" in
    "ห้องน้ำสำหรับผู้พิการ", "แนะแนว" in "ครูแนะแนว") named in the other text? The least
    matched detail of each object, the lower of the two texts; 1.0 when neither object has a
    detail."""
    generic = frames.lexicon().generic
    values = []
    for this, other, vectors in ((a, b, wb), (b, a, wa)):
        head = this.frame.head
        details = [w for w in this.frame.objects if w != head and w not in generic]
        if not details:
            continue
        pool, pool_vectors = _pool(other, vectors)
        values.append(min(_found(w, pool, pool_vectors) for w in details))
    return min(values) if values else 1.0


def _with_synonyms(words_a: list[str], words_b: list[str], sims: np.ndarray) -> np.ndarray:
    """Word cosines with synonyms (listed or Thai WordNet: "คนแก่"/"ผู้สูงอายุ") set to 1.0:
    single-word vectors often miss them."""
    keys_b = [(j, frames.synonym_keys(w)) for j, w in enumerate(words_b)]
    keys_b = [(j, keys) for j, keys in keys_b if keys]
    if not keys_b:
        return sims
    for i, word in enumerate(words_a):
        keys_a = frames.synonym_keys(word)
        if keys_a:
            for j, keys in keys_b:
                if keys_a & keys:
                    sims[i, j] = 1.0
    return sims


def features(
    a: Signature, b: Signature, wa: np.ndarray | None = None, wb: np.ndarray | None = None
) -> list[float]:
    """[cos, coverage, key, object, action, frame, specific, detail] of two signatures (see the
    module docstring)."""
    cos = float(np.clip(a.vector @ b.vector, -1.0, 1.0))
    action = frames.action_agreement(a.frame, b.frame)
    if not a.words or not b.words:
        return [cos, 0.0, 0.0, 0.5, action, 0.5 * action, 0.0, 1.0]
    wa = word_vectors(a.words) if wa is None else wa
    wb = word_vectors(b.words) if wb is None else wb
    sims = _with_synonyms(a.words, b.words, wa @ wb.T)
    ia, ib = idf_weights(a.words), idf_weights(b.words)
    best_a, best_b = sims.max(axis=1), sims.max(axis=0)
    cover_a = float((best_a * ia).sum() / ia.sum())
    cover_b = float((best_b * ib).sum() / ib.sum())
    key_a = float(best_a[np.argsort(-ia, kind="stable")[:KEY_WORDS]].min())
    key_b = float(best_b[np.argsort(-ib, kind="stable")[:KEY_WORDS]].min())
    key = key_a if len(a.words) <= len(b.words) else key_b
    obj = object_match(a, b, wa, wb)
    detail = detail_match(a, b, wa, wb)
    return [cos, max(cover_a, cover_b), key, obj, action, obj * action, max(key_a, key_b), detail]


def _logistic(model: dict, values: list[float]) -> float:
    z = model["intercept"] + sum(w * v for w, v in zip(model["weights"], values, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def combine(values: list[float]) -> float:
    """P(same topic) × P(same idea | same topic) of a `features` list."""
    p = params()
    n = len(TOPIC_FEATURES)
    return _logistic(p["topic"], values[:n]) * _logistic(p["idea"], values[n:])


def score(a: Signature, b: Signature) -> float:
    if not a.vector.any() or not b.vector.any():
        return 0.0
    return combine(features(a, b))


def idea_clusters(pairs: list[dict], texts: list[str]) -> list[int]:
    """Cluster id of each text: texts joined by "duplicate" labels are one idea."""
    parent = list(range(len(texts)))
    index = {t: i for i, t in enumerate(texts)}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for p in pairs:
        if p["duplicate"]:
            parent[root(index[p["a"]])] = root(index[p["b"]])
    return [root(i) for i in range(len(texts))]


def training_data(pairs: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of the labelled pairs, then of the pool's unlabelled pairs of different ideas
    (every other text of the set that is not the same idea by the labels): (x, y, is_labelled)."""
    texts = list(dict.fromkeys([p["a"] for p in pairs] + [p["b"] for p in pairs]))
    index = {t: i for i, t in enumerate(texts)}
    sigs = signatures(texts)
    vectors = [word_vectors(s.words) for s in sigs]
    cluster = idea_clusters(pairs, texts)
    labelled = {frozenset((index[p["a"]], index[p["b"]])) for p in pairs}
    rows, labels, is_labelled = [], [], []
    for p in pairs:
        i, j = index[p["a"]], index[p["b"]]
        rows.append(features(sigs[i], sigs[j], vectors[i], vectors[j]))
        labels.append(bool(p["duplicate"]))
        is_labelled.append(True)
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if cluster[i] == cluster[j] or frozenset((i, j)) in labelled:
                continue
            if not sigs[i].vector.any() or not sigs[j].vector.any():
                continue
            rows.append(features(sigs[i], sigs[j], vectors[i], vectors[j]))
            labels.append(False)
            is_labelled.append(False)
    return np.array(rows), np.array(labels), np.array(is_labelled)


CANDIDATE_THRESHOLDS = np.round(np.arange(0.2, 0.81, 0.01), 2)
POOL_WEIGHT = 1.0  # the pool's pairs weigh together as much as the labelled ones (topic model)


@dataclass
class Model:
    """The two fitted logistic models (see the module docstring)."""

    topic: object
    idea: object

    def proba(self, x: np.ndarray) -> np.ndarray:
        n = len(TOPIC_FEATURES)
        return self.topic.predict_proba(x[:, :n])[:, 1] * self.idea.predict_proba(x[:, n:])[:, 1]


def _fit_model(x, y, labelled, c: float) -> Model:
    """Topic model: labelled pairs (one topic each) vs the pool's pairs; idea model: labelled
    same-idea vs labelled different-idea pairs."""
    from sklearn.linear_model import LogisticRegression

    n = len(TOPIC_FEATURES)
    weights = np.ones(len(y))
    pool = ~labelled
    if pool.any():
        weights[pool] = POOL_WEIGHT * labelled.sum() / pool.sum()
    topic = LogisticRegression(C=c, max_iter=2000).fit(x[:, :n], labelled, sample_weight=weights)
    idea = LogisticRegression(C=c, max_iter=2000).fit(x[labelled][:, n:], y[labelled])
    return Model(topic=topic, idea=idea)


def fit(pairs: list[dict], folds: int = 5, repeats: int = 5, c: float = 1.0) -> dict:
    """Fit the two models and the threshold on labelled pairs ({"a", "b", "duplicate"}).

    The threshold is chosen by cross-validation: the one that maximises the accuracy of
    out-of-fold probabilities of the labelled pairs (each scored by models that saw neither it
    nor its fold), averaged over `repeats` shuffles."""
    from sklearn.model_selection import StratifiedKFold

    x, y, labelled = training_data(pairs)
    rows = np.flatnonzero(labelled)
    yl = y[labelled]
    folds = max(2, min(folds, int(yl.sum()), int((~yl).sum())))
    accuracy = np.zeros(len(CANDIDATE_THRESHOLDS))
    for seed in range(repeats):
        out_of_fold = np.zeros(len(yl))
        splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
        for _train, test in splitter.split(rows, yl):
            keep = np.ones(len(y), dtype=bool)
            keep[rows[test]] = False
            model = _fit_model(x[keep], y[keep], labelled[keep], c)
            out_of_fold[test] = model.proba(x[rows[test]])
        accuracy += [((out_of_fold >= t) == yl).mean() for t in CANDIDATE_THRESHOLDS]
    accuracy /= repeats
    best = int(np.argmax(accuracy))
    model = _fit_model(x, y, labelled, c)
    threshold = float(CANDIDATE_THRESHOLDS[best])
    fit_accuracy = float(((model.proba(x[labelled]) >= threshold) == yl).mean())

    def params_of(m, names) -> dict:
        return {
            "features": list(names),
            "weights": [round(float(w), 4) for w in m.coef_[0]],
            "intercept": round(float(m.intercept_[0]), 4),
        }

    return {
        "topic": params_of(model.topic, TOPIC_FEATURES),
        "idea": params_of(model.idea, IDEA_FEATURES),
        "threshold": threshold,
        "fitted_on": int(labelled.sum()),
        "pool_pairs": int((~labelled).sum()),
        "cv_accuracy": round(float(accuracy[best]), 4),
        "fit_accuracy": round(fit_accuracy, 4),
    }


STYLE_LEAK = 0.2  # a style-only cue this far from AUC 0.5 gives a file's labels away


def style_baselines(pairs: list[dict]) -> dict[str, float]:
    """AUC of style-only cues as "same idea" scores: the length difference of the two texts and
    (one minus) their shared letters. A pair file whose paraphrases are all written in another
    register than the original, and whose different ideas copy its wording, can be solved by
    these cues alone (our first four held-out files: 0.71-0.97), and so can a model that
    learned them; 0.5 means style tells nothing."""
    from difflib import SequenceMatcher

    from sklearn.metrics import roc_auc_score

    labels = [bool(p["duplicate"]) for p in pairs]
    if all(labels) or not any(labels):
        return {}
    length = [abs(len(p["a"]) - len(p["b"])) for p in pairs]
    letters = [1.0 - SequenceMatcher(None, p["a"], p["b"]).ratio() for p in pairs]
    return {
        "length_difference": round(float(roc_auc_score(labels, length)), 3),
        "letters_not_shared": round(float(roc_auc_score(labels, letters)), 3),
    }


def evaluate(pairs: list[dict]) -> dict:
    """Same-idea accuracy of the pair model at its threshold (and of the combined measure alone;
    per ``kind`` when pairs name one, as the probe set does; the misjudged pairs in ``errors``)
    + recall@1/@5 of each true partner when every text is the pool, ranked as `services.similar`
    ranks: the combined measure's best `pairmodel.SHORTLIST` (≥ `pairmodel.FLOOR`) first, in
    the pair model's order, then the rest in the combined measure's order."""
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
    reader = pairmodel.model()
    ids = [pairmodel.text_ids(t) for t in texts]
    read: dict[tuple[int, int], float] = {}

    def pair_scores(i: int, others: list[int]) -> list[float]:
        missing = [j for j in others if (min(i, j), max(i, j)) not in read]
        found = reader.scores_of_ids(ids[i], [ids[j] for j in missing])
        for j, value in zip(missing, found, strict=True):
            read[min(i, j), max(i, j)] = float(blended(value, matrix[i, j]))
        return [read[min(i, j), max(i, j)] for j in others]

    th, combined_th = reader.threshold, threshold()
    combined_correct = same_found = other_found = 0
    by_kind: dict[str, list[int]] = {}
    errors = []
    for p in pairs:
        i, j = index[p["a"]], index[p["b"]]
        value = pair_scores(i, [j])[0]
        predicted = value >= th
        right = predicted == bool(p["duplicate"])
        if p.get("kind"):
            counts = by_kind.setdefault(str(p["kind"]), [0, 0])
            counts[0] += int(right)
            counts[1] += 1
        if not right:
            errors.append({"a": p["a"], "b": p["b"], "duplicate": p["duplicate"], "score": value})
        combined_correct += int((matrix[i, j] >= combined_th) == bool(p["duplicate"]))
        same_found += int(predicted and bool(p["duplicate"]))
        other_found += int(not predicted and not p["duplicate"])
    cluster = idea_clusters(pairs, texts)
    hits1 = hits5 = queries = 0
    for p in pairs:
        if not p["duplicate"]:
            continue
        for src, dst in ((p["a"], p["b"]), (p["b"], p["a"])):
            i, j = index[src], index[dst]
            row = matrix[i].copy()
            row[i] = -1.0
            # other texts of the same idea (a second paraphrase) may rank above the partner
            row[[k for k in range(n) if cluster[k] == cluster[i] and k != j]] = -1.0
            order = [int(k) for k in np.argsort(-row, kind="stable")]
            shortlist = [k for k in order[: pairmodel.SHORTLIST] if row[k] >= pairmodel.FLOOR]
            read_scores = dict(zip(shortlist, pair_scores(i, shortlist), strict=True))
            shortlist.sort(key=lambda k, scores=read_scores: -scores[k])
            ranking = shortlist + [k for k in order if k not in read_scores]
            rank = ranking.index(j)
            queries += 1
            hits1 += int(rank < 1)
            hits5 += int(rank < 5)
    return {
        "pairs": len(pairs),
        "duplicates": sum(1 for p in pairs if p["duplicate"]),
        "accuracy": (same_found + other_found) / len(pairs) if pairs else 0.0,
        "combined_accuracy": combined_correct / len(pairs) if pairs else 0.0,
        "same_found": same_found,
        "different_found": other_found,
        "recall_at_1": hits1 / queries if queries else 0.0,
        "recall_at_5": hits5 / queries if queries else 0.0,
        "threshold": th,
        "pool": n,
        "style": style_baselines(pairs),
        "by_kind": {kind: tuple(counts) for kind, counts in sorted(by_kind.items())},
        "errors": errors,
    }
