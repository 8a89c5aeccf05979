"""Thai text pipeline: normalise → tokenise (newmm + custom dictionary) → content words.

Thai is written without spaces between words, so every search text and query goes through
the same tokeniser and the same dictionary. The dictionary is pythainlp's word list plus the
public-service words below plus the agencies' `CustomWord` entries; it is built once per process
(≈ 0.7 s) and rebuilt only when the custom words change (`dictionary_reset()`).
"""

import functools
import html
import os
import re
import threading
import unicodedata

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from pythainlp.corpus import thai_stopwords, thai_words  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402
from pythainlp.tokenize._utils import rejoin_formatted_num  # noqa: E402
from pythainlp.tokenize.newmm import segment as newmm_segment  # noqa: E402
from pythainlp.util import dict_trie  # noqa: E402
from pythainlp.util import normalize as thai_normalize  # noqa: E402

MAX_TEXT_CHARS = 20_000
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00]")
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone halves from bad JSON cannot be encoded
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WORD_CHAR = re.compile(r"[^\W_]", re.UNICODE)
_HTML_TAG = re.compile(r"<[^<>]{0,500}>")
# A letter repeated 3+ times is emphasis ("มากกกก", "nooooo"); digits are left alone (1000, 555).
_REPEATED = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_DIGITS_WITH_SEPARATOR = re.compile(r"(\d+[\.\,:])+\d+")  # as pythainlp's rejoin_formatted_num
# pythainlp's `normalize` runs ~35 regex passes per text (≈ 60 µs); almost every text needs none
# of them. This pattern finds everything any of its rules could change (reordered or repeated
# vowels and tone marks, dangling marks at the start or after a space, "เเ", "ๅ", zero-width
# characters); text without a match is returned unchanged by it, so it is skipped (same result,
# checked against pythainlp in tests/nlp/test_pipeline.py).
_ABOVE, _BELOW, _TONES, _FOLLOW, _LEAD = "ัิีึืํ็", "ุู", "่้๊๋", "ะาำๅ", "เแโใไ"
_DANGLING = f"{_ABOVE}{_BELOW}{_TONES}\u0e3a\u0e4c\u0e4d\u0e4e"
_NEEDS_THAI_NORMALIZE = re.compile(
    "|".join(
        [
            f"^[{_DANGLING}]",
            f"\\s[{_DANGLING}]",
            f"[{_TONES}\u0e4c][{_ABOVE}{_BELOW}]",
            f"\u0e4d[{_TONES}]*\u0e32",
            f"[{_FOLLOW}][{_TONES}]",
            "\u0e45",
            f"([{_FOLLOW}{_LEAD}{_ABOVE}{_BELOW}\u0e3a\u0e4c\u0e4d\u0e4e])\\s*\\1",
            f"[{_TONES}]{{2,}}",
            "[\u200b\u200c]",
        ]
    )
)

# Public-service words that newmm's default dictionary lacks or splits.
SERVICE_WORDS = frozenset(
    {
        "บัตรคิว",
        "คิวออนไลน์",
        "ทางลาด",
        "ใบขับขี่",
        "นัดหมาย",
        "ผู้พิการ",
        "คนพิการ",
        "ผู้สูงอายุ",
        "รถเข็น",
        "ที่จอดรถ",
        "ลานจอดรถ",
        "ห้องน้ำ",
        "ผู้ป่วยนอก",
        "ผู้ป่วยใน",
        "ห้องฉุกเฉิน",
        "ห้องยา",
        "เบอร์โทร",
        "แอป",
        "แอปพลิเคชัน",
        "ไลน์โอเอ",
        "คิวอาร์โค้ด",
        "พร้อมเพย์",
        "บัตรประชาชน",
        "บัตรประจำตัวประชาชน",
        "ทะเบียนบ้าน",
        "สำเนา",
        "ใบรับรองแพทย์",
        "บัตรทอง",
        "สิทธิบัตรทอง",
        "ไฟส่องสว่าง",
        "ราวจับ",
        "ไฟถนน",
        "ทางม้าลาย",
        "ฟุตบาท",
        "ทางเท้า",
        "ขยะ",
        "ถังขยะ",
        "น้ำท่วม",
        "ท่อระบายน้ำ",
        "กล้องวงจรปิด",
        "ใต้โต๊ะ",
        "เงินทอน",
        "ค่าน้ำร้อนน้ำชา",
        "จัดซื้อจัดจ้าง",
        "ศูนย์บริการ",
        "จุดประชาสัมพันธ์",
        "ป้ายบอกทาง",
        "เจ้าหน้าที่",
        "ล่าม",
        "อักษรเบรลล์",
        "ภาษามือ",
    }
)

_dictionary_lock = threading.Lock()
_dictionary = None
_extra_words: frozenset[str] = frozenset()


def _custom_words_from_db() -> set[str]:
    """Active agency dictionary additions; empty when the table is not there yet."""
    try:
        from .models import CustomWord

        return set(CustomWord.objects.filter(is_active=True).values_list("word", flat=True))
    except Exception:  # before migrate, or no database in a bare script
        return set()


def dictionary():
    """The newmm trie: pythainlp words + service words + agency custom words (built once)."""
    global _dictionary, _extra_words
    if _dictionary is None:
        with _dictionary_lock:
            if _dictionary is None:
                extra = frozenset(SERVICE_WORDS | {normalise(w) for w in _custom_words_from_db()})
                _extra_words = frozenset(w for w in extra if w)
                _dictionary = dict_trie(set(thai_words()) | _extra_words)
                _subtokens.cache_clear()
                _tokenize_cached.cache_clear()
    return _dictionary


def dictionary_reset() -> None:
    """Forget the trie (custom words changed); the next tokenise rebuilds it."""
    global _dictionary
    with _dictionary_lock:
        _dictionary = None
    _subtokens.cache_clear()
    _tokenize_cached.cache_clear()
    from .tagger import tags_cache_reset

    tags_cache_reset()


def normalise(text: str) -> str:
    """Clean text: NFC, no HTML tags or zero-width characters, Arabic digits, no emphasis runs."""
    text = _SURROGATES.sub("", text or "")
    text = unicodedata.normalize("NFC", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = _ZERO_WIDTH.sub("", text).translate(_THAI_DIGITS)
    text = text.replace("เเ", "แ").replace("ํา", "ำ")
    text = _REPEATED.sub(r"\1", text)
    if _NEEDS_THAI_NORMALIZE.search(text):
        text = thai_normalize(text)
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def stopwords() -> frozenset[str]:
    extra = {
        "ครับ",
        "ค่ะ",
        "คะ",
        "นะ",
        "นะคะ",
        "นะครับ",
        "จ้า",
        "จ้ะ",
        "ค่า",
        "คับ",
        "ฮะ",
        "อยาก",
        "อยากให้",
        "ช่วย",
        "หน่อย",
        "มาก",
        "เลย",
        "จริงๆ",
        "ๆ",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "is",
        "in",
    }
    return frozenset(thai_stopwords()) | frozenset(extra)


@functools.lru_cache(maxsize=100_000)
def _is_word(token: str) -> bool:
    return bool(_WORD_CHAR.search(token))


def has_word(text: str) -> bool:
    """Does the text contain any letter or digit (not only emoji, punctuation, spaces)?"""
    return bool(_WORD_CHAR.search(text or ""))


def tokenize(text: str) -> list[str]:
    """Word tokens of the normalised text (no whitespace or punctuation-only tokens).

    newmm's safe mode keeps long texts without break points from blowing up. Recent results are
    memoised (the tagger's feature extractor tokenises the same text again).
    """
    if _dictionary is None:
        dictionary()
    if len(text or "") > 2_000:
        return _tokenize(text)
    return list(_tokenize_cached(text or ""))


@functools.lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text))


def _tokenize(text: str) -> list[str]:
    return tokenize_normalised(normalise(text))


def tokenize_normalised(text: str) -> list[str]:
    """`tokenize` of a text that already went through `normalise` (not memoised): the batch
    analysis normalises each text once and gives the same clean text to the tagger."""
    text = text[:MAX_TEXT_CHARS]
    if not text:
        return []
    trie = dictionary()
    # = word_tokenize(text, custom_dict=trie, engine="newmm-safe", keep_whitespace=False),
    # calling the engine directly and rejoining "1,234" / "12:30" only when the text has such
    # a number (the wrapper's post-processing passes cost ~10% of tokenising; same tokens,
    # checked in tests/nlp/test_pipeline.py).
    tokens = newmm_segment(text, trie, safe_mode=True)
    if _DIGITS_WITH_SEPARATOR.search(text):
        tokens = rejoin_formatted_num(tokens)
    return [token.strip(" ").lower() for token in tokens if _is_word(token)]


@functools.lru_cache(maxsize=50_000)
def _subtokens(token: str) -> tuple[str, ...]:
    """Dictionary words inside a Thai compound token ("มีระบบ" → "ระบบ", "บัตรคิว" → "บัตร", "คิว")."""
    if len(token) < 5 or not _THAI.search(token):
        return ()
    trie = dictionary()
    with _dictionary_lock:
        trie.remove(token)
        try:
            parts = word_tokenize(token, custom_dict=trie, engine="newmm", keep_whitespace=False)
        finally:
            trie.add(token)
    if len(parts) < 2 or not all(len(p) >= 2 and p in trie for p in parts):
        return ()
    stop = stopwords()
    common = _common_words()
    return tuple(
        p for p in parts if p not in stop and (p in common or len(p) >= 6 or p in _extra_words)
    )


@functools.cache
def _common_words() -> frozenset[str]:
    """Words frequent enough in the Thai National Corpus to stand alone (not "สำ" of "สำหรับ")."""
    from pythainlp.corpus import tnc

    return frozenset(word for word, freq in tnc.word_freqs() if freq >= 700)


def expand(tokens: list[str]) -> list[str]:
    """Tokens followed by the words inside compound tokens, so a part of a compound is findable."""
    out = list(tokens)
    for token in tokens:
        out.extend(_subtokens(token))
    return out


def content_words(tokens: list[str]) -> list[str]:
    stop = stopwords()
    return [
        token
        for token in tokens
        if token not in stop and len(token) > 1 and not token.isdigit() and _is_word(token)
    ]


def search_text(text: str) -> str:
    """Space-joined tokens (+ words inside compounds), stored next to the text and indexed."""
    return " ".join(expand(tokenize(text)))


def analyzer(text: str) -> list[str]:
    """Feature tokens for TF-IDF models (content words + compound parts). Picklable by name."""
    return content_words(expand(tokenize(text)))
