"""Auto-tagging: TF-IDF (newmm words, their `~concept` tokens, character 2–4-grams) → one-vs-rest
logistic regression, lifted by each tag's keywords; 0–3 tags. Optionally blended 50/50 with a
logistic regression on the sentence embedding (nlp/encoder.py; `settings.NLP_TAGGER_SEMANTIC =
True`), off by default: the fast path alone meets the quality targets on the held-out file, and
tagging with the encoder is ≈ 12× slower (bench/README.md). Trained from
`nlp/data/tagger_train.jsonl` plus the tags' example sentences plus moderator-confirmed tags;
stored in `nlp/data/tagger.joblib` and loaded once per process (retrained on first use when the
file is missing or from another scikit-learn).

Concepts (`nlp/data/tagger_concepts.json`): hand-written classes of public-service words —
spelling variants, loanwords and synonyms ("แอพ", "แอป", "app", "เวป", "otp" → `~online`; "หมอ",
"แพทย์", "คนไข้", "รพ.สต." → `~medical`) — each match adds one `~concept` token to the word
features, so a word the training sentences never used still counts when the lexicon has it.
The trained bundle keeps the lexicon it was trained with.

Labels (how the data files are written): a text gets the tag of each aspect it is really about —
`information` when the problem or idea is about telling people something (announcements, notices,
explanations, answering the phone/chat, status of a request, wrong or missing information), not
merely because a sign or a web page is mentioned; a domain tag (`health`, `environment`,
`safety`, `transport`) when the subject itself is that domain, not only the place (a hospital
toilet is `facilities`, not `health`).

Tuning: THRESHOLD, KEYWORD_BOOST and RELATIVE are chosen by 5-fold cross-validation on the
training examples only (`python manage.py train_tagger --cv`); the held-out file
(`tagger_heldout.jsonl`, never trained on, partly written before any prediction was looked at) is
used only by `evaluate_tagger`. CV on 1,238 examples (26 Nov 2026), TF-IDF only: micro-F1 0.835
with the constants below; the grid's best, 0.839 with no keyword boost, is within noise and would
make agencies' keywords inert. Per-tag thresholds chosen on half of the out-of-fold predictions
did not beat one global threshold on the other half (4 random halves: −0.006 to +0.003), nor did
word bi-grams, C 4–32 or keyword hits as features, so none of them is used.

Speed: each text is normalised and tokenised once (`Prepared`); character n-grams are counted
with numpy over the whole batch; concept and keyword matches are dictionary look-ups by first
token; the per-tag regressions are one matrix product (≥ 0.5 × raw newmm throughput, see
bench/README.md). With the embedding half on, the encoder dominates; on idea create the idea's
vector is computed anyway for its similar-idea signature, and the memoised encoder shares it.
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
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from . import pipeline

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "tagger.joblib"
TRAIN_PATH = DATA_DIR / "tagger_train.jsonl"
HELDOUT_PATH = DATA_DIR / "tagger_heldout.jsonl"
CONCEPTS_PATH = DATA_DIR / "tagger_concepts.json"

MAX_TAGS = 3
# Chosen by cross-validation on the training file only (see `train_tagger --cv`).
THRESHOLD = 0.3
KEYWORD_BOOST = 0.2
KEYWORD_ONLY_SCORE = 0.6  # agency tags the classifier has never seen
RELATIVE = 0.6  # a second/third tag needs at least this share of the best tag's score
# Share of the sentence-embedding classifier in the probability when `settings.NLP_TAGGER_SEMANTIC`
# is True (off by default: tagging with the encoder is ≈ 12× slower).
SEMANTIC_WEIGHT = 0.5
DEFAULT_SEMANTIC = False


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


def read_jsonl_files(paths) -> list[dict]:
    """The rows of several JSONL files; ValueError naming the file that cannot be read."""
    rows = []
    for path in paths:
        try:
            rows += read_jsonl(path)
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read {path}: {exc}") from exc
    return rows


def _clean_text(text: str) -> str:
    return pipeline.normalise(text)[: pipeline.MAX_TEXT_CHARS].lower()


def _as_is(doc: list[str]) -> list[str]:
    """Analyzer of the word vectoriser: its documents are already feature-token lists."""
    return doc


def word_features(tokens: list[str]) -> list[str]:
    """Feature tokens of one text for the word TF-IDF (content words + compound parts)."""
    return pipeline.content_words(pipeline.expand(tokens))


def read_concepts(path: Path | str = CONCEPTS_PATH) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The concept lexicon: {concept: [surface words]} → ((concept, words), ...) (hashable, so
    the trained bundle stores the lexicon it was trained with)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        (str(name), tuple(dict.fromkeys(str(w).strip() for w in words if str(w).strip())))
        for name, words in data.items()
    )


@dataclass(frozen=True)
class _ConceptIndex:
    """Surface words of each concept as newmm tokens: one-token words by token, longer ones
    (token sequences) by their first token."""

    single: dict[str, tuple[str, ...]]
    multi: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]

    def tokens(self, tokens: list[str]) -> list[str]:
        """One `~concept` feature token per matched surface word ("แอพ", "app", "เวป" → ~online)."""
        single = self.single
        out = [feature for token in tokens if token in single for feature in single[token]]
        if self.multi:
            multi = self.multi
            for position, token in enumerate(tokens):
                for feature, seq in multi.get(token, ()):
                    if tuple(tokens[position : position + len(seq)]) == seq:
                        out.append(feature)
        return out


@functools.lru_cache(maxsize=8)
def _concept_index(concepts: tuple[tuple[str, tuple[str, ...]], ...]) -> _ConceptIndex:
    single: dict[str, list[str]] = {}
    multi: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name, words in concepts:
        for word in words:
            seq = _keyword_tokens(word)
            if len(seq) == 1:
                single.setdefault(seq[0], []).append(f"~{name}")
            elif seq:
                multi.setdefault(seq[0], []).append((f"~{name}", seq))
    return _ConceptIndex(
        single={k: tuple(dict.fromkeys(v)) for k, v in single.items()},
        multi={k: tuple(dict.fromkeys(v)) for k, v in multi.items()},
    )


def concept_tokens(tokens: list[str], concepts=None) -> list[str]:
    """`~concept` feature tokens of a text's tokens (the shipped lexicon unless `concepts`)."""
    return _concept_index(read_concepts() if concepts is None else concepts).tokens(tokens)


def _word_docs(prepared, concepts=(), feature_tokens=None) -> list[list[str]]:
    """Word features of each text plus its `~concept` tokens: the same at training and tagging."""
    if feature_tokens is None:
        feature_tokens = [word_features(t) for t in prepared.tokens]
    if not concepts:
        return feature_tokens
    index = _concept_index(concepts)
    return [
        words + index.tokens(tokens)
        for words, tokens in zip(feature_tokens, prepared.tokens, strict=True)
    ]


def _char_docs(prepared) -> list[str]:
    return [c[: pipeline.MAX_TEXT_CHARS].lower() for c in prepared.clean]


_SPACE = 0x20 - 0x20 + 129


def _fold(codes: np.ndarray) -> np.ndarray:
    """Character codes folded into 10 bits (Thai and ASCII exactly, other scripts hashed; 0 is
    the text separator), so that a 2–4-gram is one exact integer: 4 × 10 bits + the length."""
    codes = codes.astype(np.int64)
    folded = 225 + codes % 799
    folded = np.where((codes >= 0x20) & (codes < 0x80), codes - 0x20 + 129, folded)
    folded = np.where((codes >= 0x0E00) & (codes < 0x0E80), codes - 0x0E00 + 1, folded)
    return np.where(codes == 0, 0, folded)


class CharNgrams:
    """TF-IDF of character n-grams inside words (like scikit-learn's `char_wb`: each word padded
    with a space), sublinear tf, smooth idf, l2 rows. Counted with numpy over the whole batch at
    once instead of a Python loop per n-gram (≈ 15× faster than `TfidfVectorizer(char_wb)`)."""

    def __init__(self, ngram_range=(2, 4), min_df=2, max_features=30_000):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def _grams(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, n-gram id) of every n-gram occurrence of the (already normalised) texts."""
        padded = [f" {t} " for t in texts]
        joined = "\x00".join(padded)
        if not joined:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        codes = _fold(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))
        starts = np.cumsum([0] + [len(t) + 1 for t in padded[:-1]])
        rows, grams = [], []
        low, high = self.ngram_range
        for n in range(low, high + 1):
            m = len(codes) - n + 1
            if m <= 0:
                continue
            gram = np.full(m, n, dtype=np.int64)
            valid = np.ones(m, dtype=bool)
            for k in range(n):
                part = codes[k : k + m]
                gram = (gram << 10) | part
                valid &= part != 0
                if 0 < k < n - 1:
                    valid &= part != _SPACE  # no space inside: n-grams stay within a word
            positions = np.flatnonzero(valid)
            rows.append(np.searchsorted(starts, positions, side="right") - 1)
            grams.append(gram[positions])
        return np.concatenate(rows), np.concatenate(grams)

    def fit_transform(self, texts: list[str]):
        rows, grams = self._grams(texts)
        pairs = np.unique((rows << 44) | grams)  # each (text, n-gram) once: document frequency
        vocab, df = np.unique(pairs & ((1 << 44) - 1), return_counts=True)
        keep = df >= self.min_df
        vocab, df = vocab[keep], df[keep]
        if len(vocab) > self.max_features:
            order = np.sort(np.argsort(-df, kind="stable")[: self.max_features])
            vocab, df = vocab[order], df[order]
        self.vocabulary_ = vocab
        self.idf_ = np.log((1 + len(texts)) / (1 + df)) + 1.0
        return self.transform(texts)

    def transform(self, texts: list[str]):
        rows, grams = self._grams(texts)
        vocab = self.vocabulary_
        shape = (len(texts), len(vocab))
        if not len(vocab):
            return sparse.csr_matrix(shape)
        cols = np.minimum(np.searchsorted(vocab, grams), len(vocab) - 1)
        found = vocab[cols] == grams
        rows, cols = rows[found], cols[found]
        # COO → CSR sums repeated (row, col) entries: the counts, without sorting.
        matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
        matrix.sum_duplicates()
        matrix.data = (1.0 + np.log(matrix.data)) * self.idf_[matrix.indices]
        lengths = np.diff(matrix.indptr)
        row_of = np.repeat(np.arange(len(texts)), lengths)
        norms = np.sqrt(np.bincount(row_of, weights=matrix.data**2, minlength=len(texts)))
        matrix.data /= norms[row_of]  # l2 rows (an empty row has no entries to divide)
        return matrix


def build_classifier(C: float = 8.0) -> OneVsRestClassifier:
    return OneVsRestClassifier(
        LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear")
    )


def semantic_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "NLP_TAGGER_SEMANTIC", DEFAULT_SEMANTIC))


@dataclass
class Prepared:
    """A batch of texts ready for the tagger: normalised lower-case text and word tokens."""

    clean: list[str]
    tokens: list[list[str]]

    @classmethod
    def from_texts(cls, texts: list[str]) -> Prepared:
        clean = [pipeline.normalise(t) for t in texts]
        return cls(clean=clean, tokens=[pipeline.tokenize_normalised(c) for c in clean])


@dataclass
class TaggerBundle:
    words: TfidfVectorizer
    chars: CharNgrams
    classifier: OneVsRestClassifier
    classes: list[str]
    idf: dict[str, float]
    max_idf: float
    trained_at: float
    n_examples: int
    sklearn_version: str
    semantic: OneVsRestClassifier | None = None
    # Concept lexicon the word features were built with (`~concept` tokens; () for none).
    concepts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    _stacked: tuple[np.ndarray, np.ndarray] | None = None
    _stacked_semantic: tuple[np.ndarray, np.ndarray] | None = None

    def features(self, prepared: Prepared, feature_tokens: list[list[str]] | None = None):
        docs = _word_docs(prepared, getattr(self, "concepts", ()), feature_tokens)
        return sparse.hstack(
            [self.words.transform(docs), self.chars.transform(_char_docs(prepared))], format="csr"
        )

    def lexical_proba(self, x) -> np.ndarray:
        """The one-vs-rest logistic regressions as one sparse product (same numbers as
        `classifier.predict_proba`, without a validation pass per tag)."""
        if self._stacked is None:
            self._stacked = _stack(self.classifier)
        weights, intercepts = self._stacked
        return expit(np.asarray(x @ weights) + intercepts)

    def semantic_proba(self, vectors: np.ndarray) -> np.ndarray:
        if self._stacked_semantic is None:
            self._stacked_semantic = _stack(self.semantic)
        weights, intercepts = self._stacked_semantic
        return expit(vectors @ weights + intercepts)

    def predict_proba(
        self,
        texts: list[str],
        semantic: bool | None = None,
        prepared: Prepared | None = None,
        feature_tokens: list[list[str]] | None = None,
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.classes)))
        prepared = prepared or Prepared.from_texts(texts)
        lexical = self.lexical_proba(self.features(prepared, feature_tokens))
        use_semantic = semantic_enabled() if semantic is None else semantic
        if not use_semantic or self.semantic is None:
            return lexical
        from . import encoder

        dense = self.semantic_proba(encoder.encode(texts))
        return (1 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * dense


def _stack(classifier: OneVsRestClassifier) -> tuple[np.ndarray, np.ndarray]:
    """(weights n_features × n_tags, intercepts) of fitted binary logistic regressions."""
    estimators = classifier.estimators_
    return (
        np.vstack([e.coef_ for e in estimators]).T,
        np.concatenate([e.intercept_ for e in estimators]),
    )


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


def _fit_lexical(prepared: Prepared, y: np.ndarray, C: float = 8.0, concepts=()):
    words = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True, min_df=1)
    chars = CharNgrams()
    x = sparse.hstack(
        [
            words.fit_transform(_word_docs(prepared, concepts)),
            chars.fit_transform(_char_docs(prepared)),
        ],
        format="csr",
    )
    return words, chars, build_classifier(C).fit(x, y)


def _fit_semantic(vectors: np.ndarray, y: np.ndarray) -> OneVsRestClassifier:
    return OneVsRestClassifier(
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
    ).fit(vectors, y)


def train(
    examples: list[tuple[str, list[str]]],
    C: float = 8.0,
    semantic: bool = True,
    concepts: tuple[tuple[str, tuple[str, ...]], ...] | None = None,
) -> TaggerBundle:
    """Fit the tagger. `concepts` defaults to the shipped lexicon (`()` trains without it)."""
    texts = [text for text, _ in examples]
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform([labels for _, labels in examples])
    concepts = read_concepts() if concepts is None else concepts
    words, chars, classifier = _fit_lexical(Prepared.from_texts(texts), y, C, concepts)
    dense = None
    if semantic:
        from . import encoder

        dense = _fit_semantic(encoder.encode(texts), y)
    # IDF of the words (keywords and similar-idea coverage weigh words by it), not of `~concepts`.
    idf = {
        word: value
        for word, value in zip(words.get_feature_names_out(), words.idf_.tolist(), strict=True)
        if not word.startswith("~")
    }
    return TaggerBundle(
        words=words,
        chars=chars,
        classifier=classifier,
        classes=list(binarizer.classes_),
        idf=idf,
        max_idf=max(idf.values(), default=1.0),
        trained_at=time.time(),
        n_examples=len(examples),
        sklearn_version=sklearn.__version__,
        semantic=dense,
        concepts=concepts,
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
            if (
                getattr(loaded, "sklearn_version", None) == sklearn.__version__
                and getattr(loaded, "chars", None) is not None
            ):
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
    """Keywords and concept words are re-tokenised after the dictionary or a tag changes."""
    _keyword_tokens.cache_clear()
    _keyword_index.cache_clear()
    _concept_index.cache_clear()


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


def keyword_hits(tokens: list[str], tags: list[TagInfo]) -> set[str]:
    return _keyword_index(tuple(tags)).hits(tokens)


@dataclass(frozen=True)
class _KeywordIndex:
    by_first: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]

    def hits(self, tokens: list[str]) -> set[str]:
        found = set()
        by_first = self.by_first
        for position, token in enumerate(tokens):
            for slug, seq in by_first.get(token, ()):
                if slug not in found and (
                    len(seq) == 1 or tuple(tokens[position : position + len(seq)]) == seq
                ):
                    found.add(slug)
        return found


@functools.lru_cache(maxsize=64)
def _keyword_index(tags: tuple[TagInfo, ...]) -> _KeywordIndex:
    """Keyword token sequences grouped by their first token (one set intersection per text)."""
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for tag in tags:
        for seq in tag.keywords:
            by_first.setdefault(seq[0], []).append((tag.slug, seq))
    return _KeywordIndex(by_first={k: tuple(v) for k, v in by_first.items()})


def combine(
    probabilities: dict[str, float],
    hits: set[str],
    tags: list[TagInfo],
    threshold: float | None = None,
    boost: float | None = None,
    relative: float | None = None,
) -> list[tuple[str, str, float]]:
    """0–3 (slug, label, score) best first: classifier probability lifted by a keyword match.
    `threshold`, `boost` and `relative` default to the module's tuned values."""
    threshold = THRESHOLD if threshold is None else threshold
    boost = KEYWORD_BOOST if boost is None else boost
    relative = RELATIVE if relative is None else relative
    scored = []
    keyword_only = set()
    for tag in tags:
        if tag.slug in probabilities:
            score = probabilities[tag.slug] + (boost if tag.slug in hits else 0.0)
        else:
            score = KEYWORD_ONLY_SCORE if tag.slug in hits else 0.0
            keyword_only.add(tag.slug)
        score = min(score, 1.0)
        if score >= threshold:
            scored.append((tag.slug, tag.label, round(float(score), 3)))
    scored.sort(key=lambda item: -item[2])
    if scored:
        # Agency tags matched by their own keywords are not crowded out by the relative floor.
        floor = scored[0][2] * relative
        scored = [item for item in scored if item[2] >= floor or item[0] in keyword_only]
    return scored[:MAX_TAGS]


# --- Tuning by cross-validation on the training examples only --------------------------------


def micro_f1(gold: list[set[str]], predicted: list[set[str]]) -> float:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, predicted, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, predicted, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else 1.0


def cross_validate(
    examples: list[tuple[str, list[str]]],
    folds: int = 5,
    seed: int = 0,
    semantic: bool = True,
    concepts: tuple[tuple[str, tuple[str, ...]], ...] | None = None,
) -> list[dict]:
    """Out-of-fold probabilities of the training examples (each predicted by a model that did
    not see it), then a grid over THRESHOLD × KEYWORD_BOOST × RELATIVE, for the TF-IDF model
    alone and blended with the sentence-embedding model. Returns the grid rows, best first.
    The held-out file is never used here."""
    from sklearn.model_selection import KFold

    texts = [text for text, _ in examples]
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform([labels for _, labels in examples])
    classes = list(binarizer.classes_)
    prepared = Prepared.from_texts(texts)
    concepts = read_concepts() if concepts is None else concepts
    lexical = np.zeros(y.shape)
    dense = np.zeros(y.shape)
    vectors = None
    if semantic:
        from . import encoder

        vectors = encoder.encode(texts)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_rows, test_rows in splitter.split(texts):
        part = Prepared(
            clean=[prepared.clean[i] for i in train_rows],
            tokens=[prepared.tokens[i] for i in train_rows],
        )
        words, chars, classifier = _fit_lexical(part, y[train_rows], concepts=concepts)
        fold = TaggerBundle(
            words=words,
            chars=chars,
            classifier=classifier,
            classes=classes,
            idf={},
            max_idf=1.0,
            trained_at=0.0,
            n_examples=len(train_rows),
            sklearn_version=sklearn.__version__,
            concepts=concepts,
        )
        test = Prepared(
            clean=[prepared.clean[i] for i in test_rows],
            tokens=[prepared.tokens[i] for i in test_rows],
        )
        lexical[test_rows] = fold.lexical_proba(fold.features(test))
        if vectors is not None:
            dense[test_rows] = _fit_semantic(vectors[train_rows], y[train_rows]).predict_proba(
                vectors[test_rows]
            )
    tags = active_tags()
    index = _keyword_index(tuple(tags))
    hits = [index.hits(tokens) for tokens in prepared.tokens]
    gold = [set(labels) for _, labels in examples]
    rows = []
    for weight in (0.0, SEMANTIC_WEIGHT) if vectors is not None else (0.0,):
        blended = (1 - weight) * lexical + weight * dense
        probabilities = [dict(zip(classes, row.tolist(), strict=True)) for row in blended]
        for threshold in np.arange(0.1, 0.651, 0.05):
            for boost in (0.0, 0.1, 0.2, 0.3, 0.4):
                for relative in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
                    predicted = [
                        {
                            slug
                            for slug, _, _ in combine(
                                p, h, tags, threshold=threshold, boost=boost, relative=relative
                            )
                        }
                        for p, h in zip(probabilities, hits, strict=True)
                    ]
                    rows.append(
                        {
                            "semantic_weight": weight,
                            "threshold": round(float(threshold), 2),
                            "keyword_boost": boost,
                            "relative": relative,
                            "micro_f1": micro_f1(gold, predicted),
                            "per_tag": _per_tag_f1(gold, predicted, classes),
                        }
                    )
    rows.sort(key=lambda r: -r["micro_f1"])
    return rows


def _per_tag_f1(gold, predicted, classes) -> dict[str, float]:
    out = {}
    for slug in classes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if slug in g and slug in p)
        wrong = sum(1 for g, p in zip(gold, predicted, strict=True) if (slug in g) != (slug in p))
        out[slug] = 2 * tp / (2 * tp + wrong) if (tp + wrong) else 1.0
    return out


def predict(
    texts: list[str],
    tokens: list[list[str]],
    agency=None,
    prepared: Prepared | None = None,
    feature_tokens: list[list[str]] | None = None,
) -> list[list[tuple[str, str, float]]]:
    """Tags for many texts at once (one vectorisation pass). `prepared` (normalised texts and
    their tokens) and `feature_tokens` (`word_features` of the tokens) save recomputing them."""
    tags = active_tags(agency)
    model = bundle()
    nonempty = [i for i, toks in enumerate(tokens) if toks]
    if prepared is None:
        prepared = Prepared(clean=[pipeline.normalise(texts[i]) for i in nonempty], tokens=[])
        prepared.tokens = [tokens[i] for i in nonempty]
    else:
        prepared = Prepared(
            clean=[prepared.clean[i] for i in nonempty],
            tokens=[prepared.tokens[i] for i in nonempty],
        )
    proba = model.predict_proba(
        [texts[i] for i in nonempty],
        prepared=prepared,
        feature_tokens=[feature_tokens[i] for i in nonempty]
        if feature_tokens is not None
        else None,
    )
    index = _keyword_index(tuple(tags))
    results: list[list[tuple[str, str, float]]] = [[] for _ in texts]
    for row, i in enumerate(nonempty):
        probabilities = dict(zip(model.classes, proba[row].tolist(), strict=True))
        results[i] = combine(probabilities, index.hits(tokens[i]), tags)
    return results
