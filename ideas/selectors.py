"""Reads for ideas: listings (filter/sort/search, no N+1), detail, home page, training data."""

from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from .models import (
    Comment,
    DuplicateCandidate,
    Idea,
    IdeaCampaignPage,
    IdeaStatus,
    IdeaTag,
    Notification,
    Vote,
    idea_analysis_text,
)

ORDERINGS = {
    "-votes": ("-vote_count", "-created_at", "-pk"),
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
}
DEFAULT_ORDERING = "-votes"
PUBLIC_STATUSES = [s for s in IdeaStatus.values if s != IdeaStatus.HIDDEN]
# What a listing card and the API idea object read (``idea_payload``, ``views.idea_cards``,
# ``Idea.author_name`` -> ``User.public_name``); a lean listing loads nothing else.
LEAN_FIELDS = (
    "id",
    "campaign_id",
    "title",
    "body",
    "status",
    "duplicate_of_id",
    "origin",
    "keywords",
    "vote_count",
    "comment_count",
    "created_at",
    "response_text",
    "responded_at",
    "author_id",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "author__email",
    "author__username",
    "author__is_erased",
)


def _tag_prefetch() -> Prefetch:
    return Prefetch(
        "idea_tags",
        queryset=IdeaTag.objects.select_related("tag").order_by("-confirmed", "-score", "pk"),
        to_attr="tag_list",
    )


class TagRef(NamedTuple):
    slug: str
    label: str


class IdeaTagRow(NamedTuple):
    """One of an idea's tags as listings read it (``t.tag.label``, ``t.score``, ``t.confirmed``,
    like an ``IdeaTag`` with its tag)."""

    tag: TagRef
    score: float
    confirmed: bool


def attach_tags(ideas: list) -> list:
    """Sets ``idea.tag_list`` (same order as the detail prefetch) for a page of a lean listing
    with one values query: no IdeaTag/Tag model instances, none of a tag's keyword lists."""
    by_idea: dict[int, list] = {}
    for idea in ideas:
        idea.tag_list = by_idea.setdefault(idea.pk, [])
    if by_idea:
        rows = (
            IdeaTag.objects.filter(idea_id__in=list(by_idea))
            .order_by("-confirmed", "-score", "pk")
            .values_list("idea_id", "tag__slug", "tag__label", "score", "confirmed")
        )
        for idea_id, slug, label, score, confirmed in rows:
            by_idea[idea_id].append(IdeaTagRow(TagRef(slug, label), score, confirmed))
    return ideas


def search_terms(q: str | None) -> list[str]:
    if not q or not q.strip():
        return []
    from nlp.services import query_terms

    return [term for term in query_terms(q.strip()[:200]) if term.strip()][:10]


def idea_list(
    *,
    campaign=None,
    agency=None,
    tag: str | None = None,
    status: str | None = None,
    q: str | None = None,
    ordering: str | None = None,
    author=None,
    viewer=None,
    include_hidden: bool = False,
    lean: bool = False,
) -> QuerySet:
    """Ideas with author, campaign, agency and tags loaded in a fixed number of queries.

    `campaign`/`agency` take an instance, id (or agency slug). Hidden ideas are left out
    unless `include_hidden`. `viewer` adds `viewer_voted`. `lean` loads only what a listing
    card and the API idea object show (``LEAN_FIELDS``; no campaign/agency/duplicate rows) and
    leaves the tags to `attach_tags` on the page actually shown.
    """
    if lean:
        qs = Idea.objects.select_related("author").only(*LEAN_FIELDS)
    else:
        qs = Idea.objects.select_related("author", "campaign", "agency", "duplicate_of")
    # NUL cannot be sent to PostgreSQL in a string literal; it never occurs in stored values.
    tag = tag.replace("\x00", "") if tag else tag
    q = q.replace("\x00", "") if q else q
    if isinstance(agency, str):
        agency = agency.replace("\x00", "")
    if not include_hidden:
        qs = qs.exclude(status=IdeaStatus.HIDDEN)
    if campaign is not None:
        qs = qs.filter(campaign_id=getattr(campaign, "pk", campaign))
    if agency is not None:
        if isinstance(agency, str) and not agency.isdigit():
            qs = qs.filter(agency__slug=agency)
        else:
            qs = qs.filter(agency_id=getattr(agency, "pk", agency))
    if author is not None:
        qs = qs.filter(author=author)
    if tag:
        qs = qs.filter(Exists(IdeaTag.objects.filter(idea=OuterRef("pk"), tag__slug=tag)))
    if status:
        qs = qs.filter(status=status)
    terms = search_terms(q)
    if terms:
        qs = qs.filter(search_text__tokens_all=terms)
    if viewer is not None and viewer.is_authenticated:
        qs = qs.annotate(viewer_voted=Exists(Vote.objects.filter(idea=OuterRef("pk"), user=viewer)))
    qs = qs.order_by(*ORDERINGS.get(ordering or DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING]))
    return qs if lean else qs.prefetch_related(_tag_prefetch())


def idea_detail(*, pk: int, viewer=None) -> Idea | None:
    qs = idea_list(viewer=viewer, include_hidden=True, ordering="created")
    return qs.filter(pk=pk).first()


def idea_for_action(*, pk: int) -> Idea | None:
    """The idea a vote acts on, in one query: what the visibility rule reads (status, author,
    agency) and what voting checks (the campaign's voting switch and dates); the vote service
    re-checks the status under the row lock when it moves the counter."""
    return (
        Idea.objects.select_related("campaign")
        .only(
            "id",
            "status",
            "author_id",
            "agency_id",
            "campaign_id",
            "campaign__voting_enabled",
            "campaign__opens_at",
            "campaign__closes_at",
        )
        .filter(pk=pk)
        .first()
    )


def idea_comments(*, idea: Idea) -> list[Comment]:
    """Thread roots with their replies (one level), authors loaded; flags counted."""
    comments = list(
        Comment.objects.filter(idea=idea)
        .select_related("author")
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved=False)))
        .order_by("created_at", "pk")
    )
    roots, by_id = [], {}
    for comment in comments:
        comment.reply_list = []
        by_id[comment.pk] = comment
    for comment in comments:
        if comment.parent_id and comment.parent_id in by_id:
            by_id[comment.parent_id].reply_list.append(comment)
        else:
            roots.append(comment)
    return roots


def idea_timeline(*, idea: Idea):
    return idea.status_changes.select_related("actor").order_by("created_at", "pk")


def plan_items_map(idea_ids: list[int]) -> dict[int, list[dict]]:
    try:
        from plans.selectors import plan_items_for_ideas
    except ImportError:  # pragma: no cover - plans app always present in this project
        return {}
    return plan_items_for_ideas(list(idea_ids)) or {}


_PK_PLACEHOLDER = 987654321


def idea_url_maker(request=None):
    """pk -> the idea's detail URL (absolute with ``request``), reversed once for a whole page
    of ideas instead of once per idea."""
    pattern = reverse("ideas:detail", args=[_PK_PLACEHOLDER])
    if request is not None:
        pattern = request.build_absolute_uri(pattern)
    before, _, after = pattern.partition(str(_PK_PLACEHOLDER))
    return lambda pk: f"{before}{pk}{after}"


def idea_payload(idea: Idea, *, request=None, plan_items=None, url_for=None) -> dict:
    """The SPEC idea object."""
    url = (url_for or idea_url_maker(request))(idea.pk)
    tags = getattr(idea, "tag_list", None)
    if tags is None:
        tags = list(idea.idea_tags.select_related("tag"))
    official = None
    if idea.response_text:
        official = {"text": idea.response_text, "responded_at": idea.responded_at}
    return {
        "id": idea.pk,
        "campaign": idea.campaign_id,
        "title": idea.title,
        "body": idea.body,
        "author": {"display_name": idea.author_name},
        "status": idea.status,
        "duplicate_of": idea.duplicate_of_id,
        "origin": idea.origin,
        "tags": [{"slug": t.tag.slug, "label": t.tag.label, "score": t.score} for t in tags],
        "keywords": list(idea.keywords or []),
        "vote_count": idea.vote_count,
        "comment_count": idea.comment_count,
        "created_at": idea.created_at,
        "url": url,
        "official_response": official,
        "plan_items": list((plan_items or {}).get(idea.pk, [])),
    }


def idea_payloads(ideas, *, request=None) -> list[dict]:
    ideas = list(ideas)
    plan_items = plan_items_map([idea.pk for idea in ideas]) if ideas else {}
    url_for = idea_url_maker(request)
    return [
        idea_payload(idea, request=request, plan_items=plan_items, url_for=url_for)
        for idea in ideas
    ]


def campaign_list(*, agency: str | None = None):
    qs = (
        IdeaCampaignPage.objects.live()
        .public()
        .select_related("agency")
        .order_by("-first_published_at")
    )
    if agency:
        qs = qs.filter(agency__slug=agency.replace("\x00", ""))
    return qs


def home_open_campaigns(request) -> list[dict]:
    campaigns = (
        IdeaCampaignPage.objects.live()
        .public()
        .select_related("agency")
        .annotate(
            idea_count=Count("ideas", filter=~Q(ideas__status=IdeaStatus.HIDDEN), distinct=True)
        )
        .order_by("closes_at", "-first_published_at")
    )
    return [
        {
            "title": c.title,
            "url": c.get_url(request),
            "agency_name": c.agency.name if c.agency else "",
            "closes_at": c.closes_at,
            "idea_count": c.idea_count,
        }
        for c in campaigns
        if c.is_open
    ]


def confirmed_tag_examples() -> list[tuple[str, list[str]]]:
    """(title + body, moderator-confirmed tag slugs) for training the nlp tagger."""
    rows = (
        IdeaTag.objects.filter(confirmed=True)
        .exclude(idea__status=IdeaStatus.HIDDEN)
        .values_list("idea_id", "idea__title", "idea__body", "tag__slug")
        .order_by("idea_id", "tag__slug")
    )
    examples: dict[int, tuple[str, list[str]]] = {}
    for idea_id, title, body, slug in rows:
        examples.setdefault(idea_id, (idea_analysis_text(title, body), []))[1].append(slug)
    return list(examples.values())


def moderation_agencies(user):
    from portal.models import Role
    from portal.permissions import agencies_with_role

    return agencies_with_role(user, [Role.MODERATOR, Role.MANAGER]).order_by("name")


def moderation_new_ideas(*, agency_ids):
    return (
        Idea.objects.filter(agency_id__in=agency_ids, reviewed_at__isnull=True)
        .exclude(status=IdeaStatus.HIDDEN)
        .select_related("author", "campaign", "agency")
        .order_by("created_at", "pk")
    )


def moderation_flagged_comments(*, agency_ids):
    return (
        Comment.objects.filter(
            idea__agency_id__in=agency_ids,
            is_hidden=False,
            is_removed=False,
            flags__resolved=False,
        )
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved=False)))
        .select_related("author", "idea", "idea__agency")
        .order_by("-open_flags", "created_at")
        .distinct()
    )


def unread_notification_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def user_notifications(user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


SIMILAR_LIMIT_MAX = 20


def similar_ideas(
    *, text: str, campaign_id: int | None = None, limit: int = 5, exclude_id: int | None = None
) -> list[dict]:
    """Visible ideas like `text`: [{"id", "title", "score", "url"}] best first.

    Scores (0..1) and the duplicate threshold come from `nlp.services.similar`.
    """
    from nlp.services import similar

    if not text.strip():
        return []
    limit = max(1, min(int(limit), SIMILAR_LIMIT_MAX))
    hidden = Idea.objects.filter(status=IdeaStatus.HIDDEN)
    if campaign_id is not None:
        hidden = hidden.filter(campaign_id=campaign_id)
    excluded = {*hidden.values_list("pk", flat=True), *([exclude_id] if exclude_id else [])}
    pairs = similar(kind="idea", text=text, scope_id=campaign_id, limit=limit, exclude_ids=excluded)
    scores = {int(idea_id): float(score) for idea_id, score in pairs if idea_id != exclude_id}
    if not scores:
        return []
    ideas = Idea.objects.filter(pk__in=scores).exclude(status=IdeaStatus.HIDDEN)
    if campaign_id is not None:
        ideas = ideas.filter(campaign_id=campaign_id)
    rows = [
        {
            "id": idea.pk,
            "title": idea.title,
            "score": round(max(0.0, min(1.0, scores[idea.pk])), 4),
            "url": idea.get_absolute_url(),
            "vote_count": idea.vote_count,
            "status": idea.status,
        }
        for idea in ideas.only("pk", "title", "vote_count", "status")
    ]
    rows.sort(key=lambda row: (-row["score"], row["id"]))
    return rows[:limit]


def moderation_duplicate_candidates(*, ideas: list, per_idea: int = 3):
    """[(idea, [rows like `similar_ideas`])] for the given ideas that look like another visible
    idea of their campaign: the candidates the analysis task stored, in one query."""
    rows = (
        DuplicateCandidate.objects.filter(idea__in=ideas)
        .exclude(candidate__status=IdeaStatus.HIDDEN)
        .select_related("candidate")
        .only("idea_id", "score", "candidate__id", "candidate__title", "candidate__status")
    )
    found: dict[int, list[dict]] = {}
    for row in rows:
        listed = found.setdefault(row.idea_id, [])
        if len(listed) < per_idea:
            listed.append(
                {
                    "id": row.candidate.pk,
                    "title": row.candidate.title,
                    "score": row.score,
                    "url": row.candidate.get_absolute_url(),
                    "status": row.candidate.status,
                }
            )
    return [(idea, found[idea.pk]) for idea in ideas if idea.pk in found]
