"""Thai synonyms from the Thai WordNet (NICT, 2011) that the pythainlp wheel ships as
``pythainlp/corpus/wordnet_th.db``: read offline with sqlite3, no NLTK download.

Two words are synonyms when they share a noun or verb synset ("คนแก่"/"ผู้สูงอายุ",
"รถเมล์"/"รถโดยสารประจำทาง", "ห้องน้ำ"/"สุขา", "ซ่อม"/"ซ่อมแซม"). Very ambiguous words and
large synsets are left out: "ไฟ" has six senses (fire, electricity, lamp, ...) and would make
"ไฟ" a synonym of "เพลิง" in an idea about street lights.
"""

from __future__ import annotations

import functools
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path

MAX_SENSES = 4  # words with more senses than this get no WordNet synonyms
MAX_SYNSET = 10  # larger synsets are loose groupings ("เด็ก" ... "โซ่ทองคล้องใจ")


def _db_path() -> Path | None:
    try:
        import pythainlp.corpus
    except ImportError:  # pragma: no cover - pythainlp is a dependency
        return None
    path = Path(pythainlp.corpus.__file__).resolve().parent / "wordnet_th.db"
    return path if path.is_file() else None


@functools.cache
def _index() -> dict[str, frozenset[str]]:
    """word → its synset ids (only words and synsets kept by the limits above)."""
    path = _db_path()
    if path is None:
        return {}
    try:
        # sqlite3's own context manager only commits; closing() closes the connection
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            rows = connection.execute("SELECT synsetid, li FROM word_synset").fetchall()
    except sqlite3.Error:
        return {}
    members: dict[str, set[str]] = defaultdict(set)
    for synset, word in rows:
        if synset.endswith(("-n", "-v")) and len(word) >= 2 and not word.isascii():
            members[synset].add(word)
    senses: dict[str, set[str]] = defaultdict(set)
    for synset, words in members.items():
        for word in words:
            senses[word].add(synset)
    return {
        word: frozenset(s for s in synsets if 2 <= len(members[s]) <= MAX_SYNSET)
        for word, synsets in senses.items()
        if len(synsets) <= MAX_SENSES
    }


def synsets(word: str) -> frozenset[str]:
    """The WordNet synsets `word` belongs to (empty when unknown or too ambiguous)."""
    return _index().get(word, frozenset())
