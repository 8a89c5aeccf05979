"""Thai NLP endpoints (see SPEC: POST /tagging/preview, POST /similarity). Anonymous allowed."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from portal.models import Agency
from portal.ratelimit import rate_limit

from . import services
from .pipeline import MAX_TEXT_CHARS

router = Router(tags=["nlp"])


def _not_blank(value: str) -> str:
    if not value or not value.strip():
        raise ValueError("ข้อความว่างเปล่า (text must not be empty)")
    return value


class TaggingIn(Schema):
    text: str = Field(..., max_length=MAX_TEXT_CHARS)
    agency: str | None = Field(None, max_length=100)

    _check_text = field_validator("text")(_not_blank)


class TagOut(Schema):
    slug: str
    label: str
    score: float


class TaggingOut(Schema):
    tokens: list[str]
    tags: list[TagOut]
    keywords: list[str]
    search_text: str


class SimilarityIn(Schema):
    a: str = Field(..., max_length=MAX_TEXT_CHARS)
    b: str = Field(..., max_length=MAX_TEXT_CHARS)

    _check_a = field_validator("a")(_not_blank)
    _check_b = field_validator("b")(_not_blank)


class SimilarityOut(Schema):
    score: float
    duplicate: bool
    threshold: float


@router.post("/tagging/preview", response=TaggingOut, auth=None)
def tagging_preview(request, payload: TaggingIn):
    """Tokens, 0–3 tags with scores and keywords of a Thai text (nothing is stored)."""
    rate_limit(request, "tagging_preview")
    agency = None
    if payload.agency:
        agency = get_object_or_404(Agency, slug=payload.agency)
    try:
        analysis = services.text_analyse(text=payload.text, agency=agency)
    except RecursionError as exc:  # pathological input; never a 500
        raise HttpError(422, "ไม่สามารถวิเคราะห์ข้อความนี้ได้ (text could not be analysed)") from exc
    return {
        "tokens": analysis.tokens,
        "tags": [{"slug": t.slug, "label": t.label, "score": t.score} for t in analysis.tags],
        "keywords": analysis.keywords,
        "search_text": analysis.search_text,
    }


@router.post("/similarity", response=SimilarityOut, auth=None)
def similarity(request, payload: SimilarityIn):
    """Do two texts say the same concrete idea? The measure and threshold of /ideas/similar."""
    rate_limit(request, "tagging_preview")
    score, duplicate = services.similarity_score(payload.a, payload.b)
    return {"score": score, "duplicate": duplicate, "threshold": services.duplicate_threshold()}
