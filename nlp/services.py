"""What other apps call: analyse a text (tokens, tags, keywords, search text)."""

from collections import Counter
from dataclasses import dataclass, field

from . import pipeline


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


def text_keywords(tokens: list[str], limit: int = 8) -> list[str]:
    counts = Counter(pipeline.content_words(tokens))
    return [word for word, _ in counts.most_common(limit)]


def text_analyse(*, text: str, agency=None) -> TextAnalysis:
    tokens = pipeline.tokenize(text)
    return TextAnalysis(
        tokens=tokens,
        search_text=" ".join(tokens),
        keywords=text_keywords(tokens),
        tags=[],
    )


def search_text(text: str) -> str:
    return pipeline.search_text(text)


def query_terms(query: str) -> list[str]:
    """Tokens of a search query, tokenised exactly like stored search texts."""
    return pipeline.content_words(pipeline.tokenize(query)) or pipeline.tokenize(query)
