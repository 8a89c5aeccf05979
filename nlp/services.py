"""What other apps call: analyse a text (tokens, tags, keywords, search text), store and look up
text signatures for similar-idea detection, and score two texts.

Heavy models (tokeniser dictionary, tagger, sentence encoder) load lazily, once per process.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Count, Max

from . import encoder, frames, pairmodel, pipeline, similarity, tagger
from .models import TextSignature


@dataclass(frozen=True)
class TagScore:
    slug: str
    label: str
    score: float


@dataclass
class TextAnalysis:
    tokens: list[str]
    search_text: str
    keywords: list[str]
    tags: list[TagScore] = field(default_factory=list)


# --- Keywords -------------------------------------------------------------------------------


def _keyword_candidates(tokens: list[str], content: list[str] | None = None) -> list[str]:
    return [
        token
        for token in (pipeline.content_words(tokens) if content is None else content)
        if len(token) >= 2 and not (token.isascii() and len(token) < 3)
    ]


def text_keywords(
    tokens: list[str], limit: int = 8, *, content: list[str] | None = None
) -> list[str]:
    """Top keywords of one text: term frequency × IDF against the labelled corpus.
    `content` = `pipeline.content_words(tokens)` when the caller has it already."""
    counts = Counter(_keyword_candidates(tokens, content))
    if not counts:
        return []
    model = tagger.bundle()
    first = {}
    for position, token in enumerate(tokens):
        first.setdefault(token, position)
    idf, max_idf = model.idf, model.max_idf
    ranked = sorted(
        counts, key=lambda w: (-(1 + math.log(counts[w])) * idf.get(w, max_idf), first[w])
    )
    return ranked[:limit]


def keywords_for_texts(texts: list[str], limit: int = 20) -> list[tuple[str, float]]:
    """Top keywords of a collection (a campaign, a survey's free-text answers): summed
    per-document TF-IDF weights, so a word many people use ranks above one person's repetition.
    Returns (word, weight) pairs, weights scaled so the first is 1.0."""
    model = tagger.bundle()
    totals: Counter = Counter()
    for text in texts:
        counts = Counter(_keyword_candidates(pipeline.tokenize(text)))
        if not counts:
            continue
        weights = {w: (1 + np.log(c)) * model.idf.get(w, model.max_idf) for w, c in counts.items()}
        norm = float(np.sqrt(sum(v * v for v in weights.values()))) or 1.0
        for word, value in weights.items():
            totals[word] += value / norm
    if not totals:
        return []
    top = totals.most_common(limit)
    best = top[0][1] or 1.0
    return [(word, round(float(value / best), 4)) for word, value in top]


# --- Analysis -------------------------------------------------------------------------------


def text_analyse(*, text: str, agency=None) -> TextAnalysis:
    """Tokens, search text, keywords and 0–3 tags of a Thai text (never raises on odd input)."""
    return texts_analyse(texts=[text], agency=agency)[0]


def texts_analyse(*, texts: list[str], agency=None) -> list[TextAnalysis]:
    """`text_analyse` for many texts at once (one classifier pass)."""
    prepared = tagger.Prepared.from_texts(texts)  # each text normalised and tokenised once
    tokens = prepared.tokens
    expanded = [pipeline.expand(toks) for toks in tokens]
    content = [pipeline.content_words(toks) for toks in tokens]
    # = tagger.word_features(toks): content words of the tokens + of the compound parts.
    features = [
        words + pipeline.content_words(exp[len(toks) :])
        for toks, exp, words in zip(tokens, expanded, content, strict=True)
    ]
    tags = tagger.predict(texts, tokens, agency=agency, prepared=prepared, feature_tokens=features)
    return [
        TextAnalysis(
            tokens=toks,
            search_text=" ".join(exp),
            keywords=text_keywords(toks, content=words),
            tags=[TagScore(slug=s, label=label, score=score) for s, label, score in text_tags],
        )
        for toks, exp, words, text_tags in zip(tokens, expanded, content, tags, strict=True)
    ]


def search_text(text: str) -> str:
    return pipeline.search_text(text)


def query_terms(query: str) -> list[str]:
    """Tokens of a search query, tokenised exactly like stored search texts (every term must
    equal a whole token of a stored search_text)."""
    tokens = pipeline.tokenize(query)
    return list(dict.fromkeys(pipeline.content_words(tokens) or tokens))


# --- Signatures and similar texts ------------------------------------------------------------


def signature_update(*, kind: str, object_id: int, scope_id: int | None, text: str) -> None:
    """Encode `text` once and store its vector, content words and action/object frame (an empty
    text removes it)."""
    signatures_update(kind=kind, items=[(object_id, scope_id, text)])


@transaction.atomic
def signatures_update(*, kind: str, items: list[tuple[int, int | None, str]]) -> int:
    """`signature_update` for many (object_id, scope_id, text) at once (one encoder batch).
    Returns how many signatures were stored (empty texts remove theirs instead)."""
    if not items:
        return 0
    sigs = similarity.signatures([text for _, _, text in items])
    stored = 0
    for (object_id, scope_id, text), sig in zip(items, sigs, strict=True):
        if not sig.vector.any():
            TextSignature.objects.filter(kind=kind, object_id=object_id).delete()
            continue
        TextSignature.objects.update_or_create(
            kind=kind,
            object_id=object_id,
            defaults={
                "scope_id": scope_id,
                "vector": encoder.to_bytes(sig.vector),
                "content_tokens": sig.words,
                "frame": sig.frame.to_json(),
                "pair_tokens": list(pairmodel.text_ids(text)),
                "version": similarity.SIGNATURE_VERSION,
            },
        )
        stored += 1
    return stored


@transaction.atomic
def signature_delete(*, kind: str, object_id: int) -> None:
    TextSignature.objects.filter(kind=kind, object_id=object_id).delete()


def _word_keys(word: str) -> tuple[str, ...]:
    """The word itself and its synonym keys (listed groups, Thai WordNet synsets)."""
    return (word, *frames.synonym_keys(word))


@dataclass
class _Matrix:
    version: tuple
    ids: np.ndarray
    vectors: np.ndarray
    words: list[list[str]]
    frames: list[frames.Frame]
    pair_tokens: list[list[int]]
    _postings: dict[str, np.ndarray] | None = None

    def postings(self) -> dict[str, np.ndarray]:
        """Word or synonym key → rows holding it; built on the first lexical lookup."""
        if self._postings is None:
            rows_of: dict[str, list[int]] = {}
            for row, words in enumerate(self.words):
                for key in {k for w in words for k in _word_keys(w)}:
                    rows_of.setdefault(key, []).append(row)
            self._postings = {k: np.array(v, dtype=np.int64) for k, v in rows_of.items()}
        return self._postings

    def lexical_scores(self, words: list[str]) -> np.ndarray:
        """Per row: the summed IDF of the query's content words it holds (or a synonym of)."""
        scores = np.zeros(len(self.ids), dtype=np.float32)
        postings = self.postings()
        for word, weight in zip(words, similarity.idf_weights(words), strict=True):
            found = [postings[k] for k in _word_keys(word) if k in postings]
            if found:
                scores[np.unique(np.concatenate(found))] += weight
        return scores


_matrix_lock = threading.Lock()
_matrices: dict[tuple[str, int | None], _Matrix] = {}
# candidates re-scored with the full measure: the nearest by sentence cosine, and the ones that
# share the most specific words (a paraphrase in another register can have a low cosine:
# "ฝนตกทีไรหลังคาโรงยิมรั่ว" for "ซ่อมหลังคาโรงยิม", among many other ideas about the same gym)
PREFILTER = 20
LEXICAL_PREFILTER = 20


def _signatures_qs(kind: str, scope_id: int | None):
    qs = TextSignature.objects.filter(kind=kind)
    return qs.filter(scope_id=scope_id) if scope_id is not None else qs


def _matrix(kind: str, scope_id: int | None) -> _Matrix:
    """The stored vectors of (kind, scope) as one matrix, cached per process and rebuilt only
    when the cheap version check (count, latest update) changes."""
    qs = _signatures_qs(kind, scope_id)
    stats = qs.aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id"))
    version = (stats["n"], stats["latest"], stats["top"])
    key = (kind, scope_id)
    with _matrix_lock:
        cached = _matrices.get(key)
    if cached is not None and cached.version == version:
        return cached
    rows = list(
        qs.order_by("object_id").values_list(
            "object_id", "vector", "content_tokens", "frame", "pair_tokens"
        )
    )
    if rows:
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32)
        vectors = vectors.reshape(len(rows), encoder.DIM)
    else:
        ids = np.zeros(0, dtype=np.int64)
        vectors = np.zeros((0, encoder.DIM), dtype=np.float32)
    built = _Matrix(
        version=version,
        ids=ids,
        vectors=vectors,
        words=[r[2] for r in rows],
        frames=[frames.Frame.from_json(r[3]) for r in rows],
        pair_tokens=[r[4] or [] for r in rows],
    )
    with _matrix_lock:
        _matrices[key] = built
    return built


def similar(
    *,
    kind: str,
    text: str,
    scope_id: int | None = None,
    limit: int = 5,
    exclude_ids=(),
) -> list[tuple[int, float]]:
    """Stored texts of `kind` (in `scope_id`, or all) that say the same idea as `text`:
    [(object_id, score)] best first, only scores ≥ the pair model's threshold.

    The query is encoded once; stored texts are never re-encoded. The combined measure of
    `nlp.similarity` (sentence vectors, words, frames) ranks the candidates found by cosine and
    by shared words; the pair model then reads the query with each of the best
    `pairmodel.SHORTLIST` (or `limit`, if larger; their stored pieces) and decides."""
    limit = max(0, min(int(limit), 50))
    if limit == 0 or not pipeline.has_word(text):
        return []
    query = similarity.signature(text)
    if not query.vector.any():
        return []
    stored = _matrix(kind, scope_id)
    if not len(stored.ids):
        return []
    cosines = stored.vectors @ query.vector
    excluded = {int(i) for i in exclude_ids or ()}
    if excluded:
        cosines = np.where(np.isin(stored.ids, list(excluded)), -2.0, cosines)
    count = min(len(cosines), PREFILTER + len(excluded))
    candidates = np.argpartition(-cosines, count - 1)[:count]
    shared = stored.lexical_scores(query.words)
    shared[cosines <= -2.0] = 0.0
    count = min(int((shared > 0).sum()), LEXICAL_PREFILTER)
    if count:
        lexical = np.argpartition(-shared, count - 1)[:count]
        candidates = np.union1d(candidates, lexical)
    query_word_vectors = similarity.word_vectors(query.words)
    shortlist = []
    for row in candidates:
        if cosines[row] <= -2.0:
            continue
        other = similarity.Signature(
            vector=stored.vectors[row], words=stored.words[row], frame=stored.frames[row]
        )
        value = similarity.combine(similarity.features(query, other, wa=query_word_vectors))
        if value >= pairmodel.FLOOR:
            shortlist.append((value, int(row)))
    if not shortlist:
        return []
    shortlist = sorted(shortlist, key=lambda item: (-item[0], stored.ids[item[1]]))
    shortlist = shortlist[: max(pairmodel.SHORTLIST, limit)]
    read = pair_scores(text, [stored.pair_tokens[row] for _, row in shortlist])
    threshold = duplicate_threshold()
    results = []
    for (combined, row), value in zip(shortlist, read, strict=True):
        # a row stored before the pair model (until backfill_signatures runs): combined only
        value = similarity.blended(value, combined) if stored.pair_tokens[row] else combined
        if value >= threshold:
            results.append((int(stored.ids[row]), round(float(value), 4)))
    results.sort(key=lambda item: (-item[1], item[0]))
    return results[:limit]


def pair_scores(text: str, others: list[list[int]]) -> np.ndarray:
    """The pair model's P(same idea) of `text` and stored texts given by their pieces."""
    return pairmodel.model().scores_of_ids(pairmodel.text_ids(text), others)


def duplicate_threshold() -> float:
    return pairmodel.model().threshold


def similarity_score(a: str, b: str) -> tuple[float, bool]:
    """(score 0..1, duplicate?) with the same measure and threshold as `similar`: the pair
    model reading both texts, blended with the combined measure (`similarity.blended`)."""
    if not pipeline.has_word(a) or not pipeline.has_word(b):
        return 0.0, False
    model = pairmodel.model()
    sig_a, sig_b = similarity.signatures([a, b])
    value = similarity.blended(model.scores(a, [b])[0], similarity.score(sig_a, sig_b))
    value = round(float(value), 4)
    return value, value >= model.threshold
