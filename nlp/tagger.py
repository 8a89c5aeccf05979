"""Auto-tagging: TF-IDF (newmm words + character n-grams) → one-vs-rest logistic regression,
combined with each tag's keywords. Trained from `nlp/data/tagger_train.jsonl` plus the tags'
example sentences plus moderator-confirmed tags; stored in `nlp/data/tagger.joblib` and loaded
once per process (retrained on first use when the file is missing or from another scikit-learn).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from . import pipeline

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "tagger.joblib"
TRAIN_PATH = DATA_DIR / "tagger_train.jsonl"
HELDOUT_PATH = DATA_DIR / "tagger_heldout.jsonl"

MAX_TAGS = 3
# Chosen by cross-validation on the training file only (see `train_tagger --cv`).
THRESHOLD = 0.4
KEYWORD_BOOST = 0.4
KEYWORD_ONLY_SCORE = 0.6  # agency tags the classifier has never seen
RELATIVE = 0.7  # a second/third tag needs at least this share of the best tag's score
# Share of the sentence-embedding classifier in the probability (the rest: TF-IDF words+chars).
# `settings.NLP_TAGGER_SEMANTIC = False` switches it off (faster, ≈ 0.03 lower micro-F1 in CV).
SEMANTIC_WEIGHT = 0.5


def read_jsonl(path: Path | str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: {exc}") from exc
    return rows


def _clean_text(text: str) -> str:
    return pipeline.normalise(text)[: pipeline.MAX_TEXT_CHARS].lower()


def build_model(C: float = 8.0) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer=pipeline.analyzer, sublinear_tf=True, min_df=1, ngram_range=(1, 1)
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 4),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=30_000,
                    preprocessor=_clean_text,
                ),
            ),
        ]
    )
    classifier = OneVsRestClassifier(
        LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear")
    )
    return Pipeline([("features", features), ("clf", classifier)])


def semantic_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "NLP_TAGGER_SEMANTIC", True))


@dataclass
class TaggerBundle:
    model: Pipeline
    classes: list[str]
    idf: dict[str, float]
    max_idf: float
    trained_at: float
    n_examples: int
    sklearn_version: str
    semantic: OneVsRestClassifier | None = None

    def predict_proba(self, texts: list[str], semantic: bool | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.classes)))
        lexical = self.model.predict_proba(texts)
        use_semantic = semantic_enabled() if semantic is None else semantic
        if not use_semantic or self.semantic is None:
            return lexical
        from . import encoder

        dense = self.semantic.predict_proba(encoder.encode(texts))
        return (1 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * dense


def training_examples(
    extra: list[tuple[str, list[str]]] | None = None,
) -> list[tuple[str, list[str]]]:
    """The labelled file + tags' example sentences (DB, when reachable) + `extra`."""
    examples = [(row["text"], list(row["labels"])) for row in read_jsonl(TRAIN_PATH)]
    try:
        from .models import Tag

        for slug, sentences in Tag.objects.filter(is_active=True).values_list("slug", "examples"):
            examples.extend((s, [slug]) for s in sentences or [] if s.strip())
    except Exception:  # no database (bare script) or not migrated yet
        logger.debug("tag examples not read", exc_info=True)
    examples.extend(extra or [])
    return [(text, labels) for text, labels in examples if text.strip() and labels]


def train(examples: list[tuple[str, list[str]]], C: float = 8.0) -> TaggerBundle:
    texts = [text for text, _ in examples]
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform([labels for _, labels in examples])
    model = build_model(C=C)
    model.fit(texts, y)
    from . import encoder

    semantic = OneVsRestClassifier(
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
    ).fit(encoder.encode(texts), y)
    words = model.named_steps["features"].transformer_list[0][1]
    idf = dict(zip(words.get_feature_names_out(), words.idf_.tolist(), strict=True))
    return TaggerBundle(
        model=model,
        classes=list(binarizer.classes_),
        idf=idf,
        max_idf=float(words.idf_.max()) if len(words.idf_) else 1.0,
        trained_at=time.time(),
        n_examples=len(examples),
        sklearn_version=sklearn.__version__,
        semantic=semantic,
    )


def save(bundle: TaggerBundle, path: Path = MODEL_PATH) -> Path:
    joblib.dump(bundle, path, compress=3)
    return path


_lock = threading.Lock()
_bundle: TaggerBundle | None = None


def bundle() -> TaggerBundle:
    """The trained tagger, loaded once per process (trained from the files if needed)."""
    global _bundle
    if _bundle is None:
        with _lock:
            if _bundle is None:
                _bundle = _load_or_train()
    return _bundle


def _load_or_train() -> TaggerBundle:
    if MODEL_PATH.exists():
        try:
            loaded = joblib.load(MODEL_PATH)
            if getattr(loaded, "sklearn_version", None) == sklearn.__version__:
                return loaded
            logger.warning("tagger model built with another scikit-learn; retraining")
        except Exception:
            logger.warning("tagger model unreadable; retraining", exc_info=True)
    fresh = train(training_examples())
    try:
        save(fresh)
    except OSError:
        logger.warning("could not store the tagger model", exc_info=True)
    return fresh


def bundle_reset(new: TaggerBundle | None = None) -> None:
    global _bundle
    with _lock:
        _bundle = new


# --- Tags from the database (one small query per call; keyword tokenising is memoised) ------


@dataclass(frozen=True)
class TagInfo:
    slug: str
    label: str
    keywords: tuple[tuple[str, ...], ...]  # each keyword as its token sequence


@functools.lru_cache(maxsize=4096)
def _keyword_tokens(keyword: str) -> tuple[str, ...]:
    return tuple(pipeline.tokenize(keyword))


def tags_cache_reset() -> None:
    """Keywords are re-tokenised after the dictionary or a tag changes."""
    _keyword_tokens.cache_clear()


def active_tags(agency=None) -> list[TagInfo]:
    """Active portal-wide tags plus the agency's own (an agency tag overrides the same slug)."""
    from django.db.models import Q

    from .models import Tag

    agency_id = getattr(agency, "pk", agency)
    query = Q(agency__isnull=True)
    if agency_id:
        query |= Q(agency_id=agency_id)
    by_slug: dict[str, TagInfo] = {}
    rows = Tag.objects.filter(query).values_list(
        "slug", "label", "keywords", "is_active", "agency_id"
    )
    # Portal-wide tags first, then the agency's own, which override (or switch off) a slug.
    for slug, label, keywords, is_active, _owner in sorted(rows, key=lambda r: r[4] is not None):
        if not is_active:
            by_slug.pop(slug, None)
            continue
        sequences = tuple(
            seq for seq in (_keyword_tokens(str(k)) for k in keywords or [] if k) if seq
        )
        by_slug[slug] = TagInfo(slug=slug, label=label, keywords=sequences)
    return list(by_slug.values())


def _contains(tokens: list[str], sequence: tuple[str, ...]) -> bool:
    if len(sequence) == 1:
        return sequence[0] in tokens
    n = len(sequence)
    return any(tuple(tokens[i : i + n]) == sequence for i in range(len(tokens) - n + 1))


def keyword_hits(tokens: list[str], tags: list[TagInfo]) -> set[str]:
    token_set = set(tokens)
    hits = set()
    for tag in tags:
        for seq in tag.keywords:
            if seq[0] in token_set and _contains(tokens, seq):
                hits.add(tag.slug)
                break
    return hits


def combine(
    probabilities: dict[str, float], hits: set[str], tags: list[TagInfo]
) -> list[tuple[str, str, float]]:
    """0–3 (slug, label, score) best first: classifier probability lifted by a keyword match."""
    scored = []
    keyword_only = set()
    for tag in tags:
        if tag.slug in probabilities:
            score = probabilities[tag.slug] + (KEYWORD_BOOST if tag.slug in hits else 0.0)
        else:
            score = KEYWORD_ONLY_SCORE if tag.slug in hits else 0.0
            keyword_only.add(tag.slug)
        score = min(score, 1.0)
        if score >= THRESHOLD:
            scored.append((tag.slug, tag.label, round(float(score), 3)))
    scored.sort(key=lambda item: -item[2])
    if scored:
        # Agency tags matched by their own keywords are not crowded out by the relative floor.
        floor = scored[0][2] * RELATIVE
        scored = [item for item in scored if item[2] >= floor or item[0] in keyword_only]
    return scored[:MAX_TAGS]


def predict(
    texts: list[str], tokens: list[list[str]], agency=None
) -> list[list[tuple[str, str, float]]]:
    """Tags for many texts at once (one vectorisation pass)."""
    tags = active_tags(agency)
    model = bundle()
    nonempty = [i for i, toks in enumerate(tokens) if toks]
    proba = model.predict_proba([texts[i] for i in nonempty])
    results: list[list[tuple[str, str, float]]] = [[] for _ in texts]
    for row, i in enumerate(nonempty):
        probabilities = dict(zip(model.classes, proba[row].tolist(), strict=True))
        results[i] = combine(probabilities, keyword_hits(tokens[i], tags), tags)
    return results
