"""Thai text pipeline: normalise → tokenise (newmm) → content words.

Thai is written without spaces between words, so every search text and query goes through
the same tokeniser.
"""

import functools
import os
import re
import unicodedata

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from pythainlp.corpus import thai_stopwords  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402
from pythainlp.util import normalize as thai_normalize  # noqa: E402

MAX_TEXT_CHARS = 20_000
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WORD_CHAR = re.compile(r"\w", re.UNICODE)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = _ZERO_WIDTH.sub("", text).translate(_THAI_DIGITS)
    text = text.replace("เเ", "แ")
    text = thai_normalize(text)
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(thai_stopwords())


def tokenize(text: str) -> list[str]:
    """Word tokens of the normalised text (no whitespace or punctuation-only tokens)."""
    text = normalise(text)[:MAX_TEXT_CHARS]
    if not text:
        return []
    return [
        token.lower()
        for token in word_tokenize(text, engine="newmm", keep_whitespace=False)
        if _WORD_CHAR.search(token)
    ]


def content_words(tokens: list[str]) -> list[str]:
    stop = stopwords()
    return [token for token in tokens if token not in stop and len(token) > 1]


def search_text(text: str) -> str:
    """Space-joined tokens, stored next to the text and indexed for Thai-aware search."""
    return " ".join(tokenize(text))
