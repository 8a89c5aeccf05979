"""Ideas API v1 (see SPEC.md "Ideas" and "Agencies and campaigns")."""

from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from portal.api_auth import api_user, require_user
from portal.ratelimit import rate_limit

from . import cache as listing_cache
from . import selectors, services
from .models import (
    BODY_MAX,
    BODY_MIN,
    COMMENT_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Comment,
    Idea,
    IdeaCampaignPage,
    IdeaStatus,
)
from .services import IdeaError

router = Router(tags=["ideas"])

MAX_ID = 2**63 - 1  # larger ids cannot exist (and would overflow the database driver)
IdField = Field(..., ge=1, le=MAX_ID)

StatusValue = Literal[
    "submitted",
    "under_review",
    "accepted",
    "in_progress",
    "implemented",
    "rejected",
    "duplicate",
    "hidden",
]


# --- schemas -------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    slug: str
    title: str
    agency: str | None
    url: str | None
    is_open: bool
    closes_at: datetime | None


class AuthorOut(Schema):
    display_name: str


class TagOut(Schema):
    slug: str
    label: str
    score: float


class OfficialResponseOut(Schema):
    text: str
    responded_at: datetime | None


class PlanItemOut(Schema):
    id: int
    title: str
    url: str  # the item on its plan's public "you said, we did" page


class IdeaOut(Schema):
    id: int
    campaign: int
    title: str
    body: str
    author: AuthorOut
    status: str
    duplicate_of: int | None
    origin: str
    tags: list[TagOut]
    keywords: list[str]
    vote_count: int
    comment_count: int
    created_at: datetime
    url: str
    official_response: OfficialResponseOut | None
    plan_items: list[PlanItemOut]


class IdeaPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[IdeaOut]


class IdeaIn(Schema):
    campaign: int = IdField
    title: str = Field(..., min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str = Field(..., min_length=BODY_MIN, max_length=BODY_MAX)
    consent: bool


class IdeaPatchIn(Schema):
    title: str | None = Field(None, min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str | None = Field(None, min_length=BODY_MIN, max_length=BODY_MAX)


class IdeaFilters(Schema):
    campaign: int | None = Field(None, ge=1, le=MAX_ID)
    agency: str | None = None
    tag: str | None = None
    status: StatusValue | None = None
    q: str | None = Field(None, max_length=200)
    ordering: Literal["-votes", "-created", "created"] = "-votes"
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


class VoteOut(Schema):
    voted: bool
    vote_count: int


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=COMMENT_MAX)
    parent: int | None = Field(None, ge=1, le=MAX_ID)


class CommentOut(Schema):
    id: int
    idea: int
    parent: int | None
    author: AuthorOut
    body: str
    created_at: datetime
    edited_at: datetime | None


class StatusIn(Schema):
    status: StatusValue
    response: str = Field("", max_length=services.RESPONSE_MAX)
    duplicate_of: int | None = Field(None, ge=1, le=MAX_ID)


class TagsIn(Schema):
    tags: list[str] = Field(..., max_length=10)


class SimilarIn(Schema):
    title: str = Field("", max_length=TITLE_MAX)
    body: str = Field("", max_length=BODY_MAX)
    campaign: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(5, ge=1, le=selectors.SIMILAR_LIMIT_MAX)


class SimilarOut(Schema):
    id: int
    title: str
    score: float
    url: str


# --- helpers -------------------------------------------------------------------------------


def _json_api():
    from portal.api import api  # the NinjaAPI this router is mounted on (its JSON renderer)

    return api


def _raise(error: IdeaError):
    raise HttpError(error.status, error.message)


def _idea_for_staff(idea_id: int) -> Idea:
    if not 1 <= idea_id <= MAX_ID:
        raise HttpError(404, services.IDEA_GONE)
    return get_object_or_404(Idea, pk=idea_id)


def _visible_idea(request, idea_id: int, *, lean: bool = False) -> Idea:
    """The idea if the caller may see it, else 404. `lean` loads only what the visibility rule
    and the vote checks read (for votes: the idea and its campaign's voting fields, no tags;
    the vote service re-checks the status under the row lock when it moves the counter)."""
    user = api_user(request)
    if not 1 <= idea_id <= MAX_ID:
        raise HttpError(404, services.IDEA_GONE)
    if lean:
        idea = selectors.idea_for_action(pk=idea_id)
    else:
        idea = selectors.idea_detail(pk=idea_id, viewer=user)
    if idea is None or not user.has_perm("ideas.view_idea", idea):
        raise HttpError(404, services.IDEA_GONE)
    return idea


def _idea_out(request, idea_id: int) -> dict:
    idea = selectors.idea_detail(pk=idea_id)
    return selectors.idea_payloads([idea], request=request)[0]


def _comment_out(comment: Comment) -> dict:
    visible = comment.is_visible
    return {
        "id": comment.pk,
        "idea": comment.idea_id,
        "parent": comment.parent_id,
        "author": {"display_name": comment.author_name if visible else ""},
        "body": comment.body if visible else "",
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }


# --- campaigns -----------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], tags=["agencies"])
def campaigns(request, agency: str | None = None):
    return [
        {
            "id": c.pk,
            "slug": c.slug,
            "title": c.title,
            "agency": c.agency.slug if c.agency else None,
            "url": request.build_absolute_uri(c.get_url(request)) if c.get_url(request) else None,
            "is_open": c.is_open,
            "closes_at": c.closes_at,
        }
        for c in selectors.campaign_list(agency=agency)
    ]


# --- ideas ---------------------------------------------------------------------------------


@router.post("/ideas", response={201: IdeaOut})
def idea_create(request, payload: IdeaIn):
    user = require_user(request)
    rate_limit(request, "idea_submit")
    campaign = IdeaCampaignPage.objects.live().public().filter(pk=payload.campaign).first()
    if campaign is None:
        raise HttpError(404, "ไม่พบแคมเปญ (campaign not found)")
    try:
        idea = services.idea_create(
            campaign=campaign,
            author=user,
            title=payload.title,
            body=payload.body,
            consent=payload.consent,
        )
    except IdeaError as error:
        _raise(error)
    return Status(201, _idea_out(request, idea.pk))


@router.get("/ideas", response=IdeaPageOut)
def idea_list(request, filters: Query[IdeaFilters]):
    """Built as plain JSON (no response re-validation: the payload is made by
    ``selectors.idea_payloads`` to the schema); anonymous callers share a cached copy."""
    cache_key = None
    if listing_cache.enabled() and listing_cache.is_anonymous(request):
        cache_key = listing_cache.key(
            "api",
            campaign_id=filters.campaign,
            parts={**filters.model_dump(), "base": request.build_absolute_uri("/")},
        )
        content = listing_cache.get(cache_key)
        if content is not None:
            return HttpResponse(content, content_type=_json_api().get_content_type())
    qs = selectors.idea_list(
        campaign=filters.campaign,
        agency=filters.agency or None,
        tag=filters.tag or None,
        status=filters.status,
        q=filters.q or None,
        ordering=filters.ordering,
        lean=True,
    )
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    ideas = selectors.attach_tags(
        list(qs[start : start + filters.page_size]) if start < count else []
    )
    data = {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": selectors.idea_payloads(ideas, request=request),
    }
    response = _json_api().create_response(request, data, status=200)
    if cache_key is not None:
        listing_cache.put(cache_key, response.content)
    return response


@router.post("/ideas/similar", response=list[SimilarOut])
def ideas_similar(request, payload: SimilarIn):
    rate_limit(request, "similar_lookup")
    text = f"{payload.title} {payload.body}".strip()
    if not text:
        raise HttpError(422, "กรุณาส่งหัวข้อหรือรายละเอียด (title or body is required)")
    rows = selectors.similar_ideas(text=text, campaign_id=payload.campaign, limit=payload.limit)
    return [{**row, "url": request.build_absolute_uri(row["url"])} for row in rows]


@router.get("/ideas/{int:idea_id}", response=IdeaOut)
def idea_get(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    return selectors.idea_payloads([idea], request=request)[0]


@router.patch("/ideas/{int:idea_id}", response=IdeaOut)
def idea_patch(request, idea_id: int, payload: IdeaPatchIn):
    user = require_user(request)
    rate_limit(request, "idea_update")
    idea = _visible_idea(request, idea_id)
    try:
        services.idea_update(idea=idea, actor=user, title=payload.title, body=payload.body)
    except IdeaError as error:
        _raise(error)
    return _idea_out(request, idea.pk)


@router.post("/ideas/{int:idea_id}/vote", response=VoteOut)
def vote_cast(request, idea_id: int):
    user = require_user(request)
    rate_limit(request, "vote")
    idea = _visible_idea(request, idea_id, lean=True)
    try:
        voted, count = services.vote_cast(idea=idea, user=user)
    except IdeaError as error:
        _raise(error)
    return {"voted": voted, "vote_count": count}


@router.delete("/ideas/{int:idea_id}/vote", response=VoteOut)
def vote_retract(request, idea_id: int):
    user = require_user(request)
    rate_limit(request, "vote")
    idea = _visible_idea(request, idea_id, lean=True)
    try:
        voted, count = services.vote_retract(idea=idea, user=user)
    except IdeaError as error:
        _raise(error)
    return {"voted": voted, "vote_count": count}


@router.get("/ideas/{int:idea_id}/comments", response=list[CommentOut])
def comment_list(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    comments = Comment.objects.filter(idea=idea).select_related("author").order_by("created_at")
    return [_comment_out(c) for c in comments]


@router.post("/ideas/{int:idea_id}/comments", response={201: CommentOut})
def comment_create(request, idea_id: int, payload: CommentIn):
    user = require_user(request)
    rate_limit(request, "comment")
    idea = _visible_idea(request, idea_id)
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, idea=idea).first()
        if parent is None:
            raise HttpError(422, "ไม่พบความคิดเห็นที่ตอบกลับ (invalid parent)")
    try:
        comment = services.comment_create(idea=idea, author=user, body=payload.body, parent=parent)
    except IdeaError as error:
        _raise(error)
    return Status(201, _comment_out(comment))


@router.post("/ideas/{int:idea_id}/status", response=IdeaOut)
def idea_status(request, idea_id: int, payload: StatusIn):
    user = require_user(request)
    idea = _idea_for_staff(idea_id)
    try:
        services.idea_status_change(
            idea=idea,
            actor=user,
            status=IdeaStatus(payload.status),
            response=payload.response,
            duplicate_of=payload.duplicate_of,
        )
    except IdeaError as error:
        _raise(error)
    return _idea_out(request, idea.pk)


@router.put("/ideas/{int:idea_id}/tags", response=IdeaOut)
def idea_tags(request, idea_id: int, payload: TagsIn):
    user = require_user(request)
    idea = _idea_for_staff(idea_id)
    try:
        services.idea_tags_set(idea=idea, actor=user, slugs=payload.tags)
    except IdeaError as error:
        _raise(error)
    return _idea_out(request, idea.pk)
