"""Reads of plans data: public "you said, we did", staff lists, and reads used by other apps."""

from django.db import connection
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, Role
from portal.permissions import agencies_with_role

from .models import ImprovementPlan, PlanItem

ACTIVE_ITEM = ~Q(status=PlanItem.Status.CANCELLED)
ACTIVE_PLAN_ITEM = ~Q(items__status=PlanItem.Status.CANCELLED)  # in aggregates over plans


def published_plans():
    return ImprovementPlan.objects.filter(is_published=True).select_related("agency")


def public_plan_index() -> list[dict]:
    """Agencies with published plans: [{"agency", "plans": [{"fiscal_year", "url", ...}]}]."""
    plans = published_plans().annotate(
        item_count=Count("items", filter=ACTIVE_PLAN_ITEM, distinct=True),
        avg_progress=Avg("items__progress", filter=ACTIVE_PLAN_ITEM),
    )
    grouped: dict[int, dict] = {}
    for plan in plans.order_by("agency__name", "-fiscal_year"):
        entry = grouped.setdefault(plan.agency_id, {"agency": plan.agency, "plans": []})
        entry["plans"].append(
            {
                "plan": plan,
                "fiscal_year": plan.fiscal_year,
                "url": plan.get_absolute_url(),
                "item_count": plan.item_count,
                "progress": round(plan.avg_progress or 0),
            }
        )
    return list(grouped.values())


def public_plan(*, agency_slug: str, fiscal_year: int) -> ImprovementPlan:
    plan = published_plans().filter(agency__slug=agency_slug, fiscal_year=fiscal_year).first()
    if plan is None:
        raise Http404("ไม่พบแผนที่เผยแพร่ (no published plan)")
    return plan


def plan_progress(items) -> int:
    """Average progress of the items that are not cancelled (0 when there are none)."""
    active = [item.progress for item in items if item.status != PlanItem.Status.CANCELLED]
    return round(sum(active) / len(active)) if active else 0


def plan_items(plan: ImprovementPlan):
    return plan.items.all().order_by("pmqa_item", "sort_order", "pk")


def _public_ideas_qs():
    from ideas.models import Idea

    return Idea.objects.exclude(status="hidden").order_by("-vote_count", "pk")


def _public_workshops_qs():
    from workshops.models import Workshop

    return Workshop.objects.filter(status__in=Workshop.PUBLIC_STATUSES).order_by("pk")


def _public_surveys_qs():
    from surveys.models import SurveyPage

    return SurveyPage.objects.live().public().order_by("pk")


def item_origins(item_ids) -> dict[int, list[dict]]:
    """{item_id: [origin]}: where items came from (today: PMQA self-assessment OFIs)."""
    from assessments.selectors import plan_item_origins

    return plan_item_origins(item_ids)


def _attach_origins(items: list[PlanItem]) -> list[PlanItem]:
    origins = item_origins([item.pk for item in items])
    for item in items:
        item.origins = origins.get(item.pk, [])
    return items


def public_plan_items(plan: ImprovementPlan) -> list[PlanItem]:
    """Items shown publicly (cancelled ones left out) with their public ideas, workshops
    and surveys in `public_ideas`, `public_workshops`, `public_surveys`, and where each item
    came from in `origins` (5 queries)."""
    items = list(
        plan_items(plan)
        .filter(ACTIVE_ITEM)
        .prefetch_related(
            Prefetch("ideas", queryset=_public_ideas_qs(), to_attr="public_ideas"),
            Prefetch("workshops", queryset=_public_workshops_qs(), to_attr="public_workshops"),
            Prefetch("surveys", queryset=_public_surveys_qs(), to_attr="public_surveys"),
        )
    )
    for item in items:
        for idea in item.public_ideas:
            idea.public_url = idea.get_absolute_url()
    return _attach_origins(items)


def staff_plan_items(plan: ImprovementPlan) -> list[PlanItem]:
    """Every item of a plan with everything linked (staff see hidden ideas' status too) and
    where each item came from in `origins`."""
    from ideas.models import Idea

    items = list(
        plan_items(plan).prefetch_related(
            Prefetch("ideas", queryset=Idea.objects.order_by("pk")),
            "workshops",
            "surveys",
        )
    )
    return _attach_origins(items)


def linkable_plan_items(*, agency_id: int):
    """Items an idea/workshop/survey of the agency may be linked to (newest plans first)."""
    return (
        PlanItem.objects.filter(plan__agency_id=agency_id)
        .exclude(status=PlanItem.Status.CANCELLED)
        .select_related("plan")
        .order_by("-plan__fiscal_year", "pmqa_item", "sort_order", "pk")
    )


LINK_KIND_LABELS = {"idea": _("ข้อเสนอ"), "workshop": _("เวิร์กช็อป"), "survey": _("แบบสำรวจ")}


def link_subject_url(kind: str, target) -> str:
    """Where a manager works with the linked record: idea page, workshop console, survey results."""
    if kind == "workshop":
        return reverse("workshops:console_detail", args=[target.code])
    if kind == "survey":
        return reverse("surveys:results", args=[target.pk])
    return target.get_absolute_url()


def plan_items_linked_to(*, kind: str, target_id: int) -> list[PlanItem]:
    """Every plan item (any plan of the agency, cancelled ones too) the record is linked to."""
    relation = {"idea": "ideas", "workshop": "workshops", "survey": "surveys"}[kind]
    return list(
        PlanItem.objects.filter(**{relation: target_id})
        .select_related("plan")
        .order_by("-plan__fiscal_year", "pmqa_item", "sort_order", "pk")
    )


def managed_agencies(user):
    return agencies_with_role(user, [Role.MANAGER])


def staff_plans(user):
    """Plans of the agencies the user manages, with item counts and average progress."""
    return (
        ImprovementPlan.objects.filter(agency__in=managed_agencies(user))
        .select_related("agency")
        .annotate(
            item_count=Count("items", filter=ACTIVE_PLAN_ITEM, distinct=True),
            avg_progress=Avg("items__progress", filter=ACTIVE_PLAN_ITEM),
        )
        .order_by("agency__name", "-fiscal_year")
    )


def agency_by_slug(slug: str) -> Agency:
    agency = Agency.objects.filter(slug=slug).first()  # URL <slug:> converter: ASCII only
    if agency is None:
        raise Http404("ไม่พบหน่วยงาน (agency not found)")
    return agency


def plan_for(*, agency: Agency, fiscal_year: int) -> ImprovementPlan | None:
    return ImprovementPlan.objects.filter(agency=agency, fiscal_year=fiscal_year).first()


def _plan_items_for_ideas_sql(count: int) -> str:
    quote = connection.ops.quote_name
    links = quote(PlanItem.ideas.through._meta.db_table)
    items = quote(PlanItem._meta.db_table)
    plans = quote(ImprovementPlan._meta.db_table)
    agencies = quote(Agency._meta.db_table)
    placeholders = ", ".join(["%s"] * count)
    # Table names come from the models; every value is a parameter.
    sql = (
        "SELECT l.idea_id, i.id, i.title, a.slug, p.fiscal_year FROM {links} l "
        "JOIN {items} i ON i.id = l.planitem_id JOIN {plans} p ON p.id = i.plan_id "
        "JOIN {agencies} a ON a.id = p.agency_id "
        "WHERE l.idea_id IN ({placeholders}) AND p.is_published AND i.status <> %s "
        "ORDER BY l.idea_id, p.fiscal_year, i.id"
    )
    return sql.format(
        links=links, items=items, plans=plans, agencies=agencies, placeholders=placeholders
    )


def plan_items_for_ideas(idea_ids) -> dict[int, list[dict]]:
    """{idea_id: [{"id", "title", "url"}, ...]} of the plan items each idea is linked to, for
    the idea's public page and the API: `url` is the item on the plan's "you said, we did" page.

    One query whatever the number of ideas; cancelled items and items of plans that are not
    published (drafts the public must not see yet) are left out. Every idea listing runs it, so
    it is one plain SQL statement (the ORM's four-table ``values_list`` cost ≈ 6× its CPU time).
    """
    ids = [int(i) for i in idea_ids]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_plan_items_for_ideas_sql(len(ids)), [*ids, PlanItem.Status.CANCELLED])
        rows = cursor.fetchall()
    result: dict[int, list[dict]] = {}
    plan_urls: dict[tuple, str] = {}
    for idea_id, item_id, title, agency_slug, fiscal_year in rows:
        url = plan_urls.get((agency_slug, fiscal_year))
        if url is None:
            url = plan_urls[agency_slug, fiscal_year] = reverse(
                "plans:public_plan", kwargs={"agency_slug": agency_slug, "fiscal_year": fiscal_year}
            )
        result.setdefault(idea_id, []).append(
            {"id": item_id, "title": title, "url": f"{url}#item-{item_id}"}
        )
    return result


def home_you_said_we_did(request) -> list[dict]:
    """Recently updated items of published plans for the home page."""
    items = (
        PlanItem.objects.filter(plan__is_published=True)
        .filter(ACTIVE_ITEM)
        .select_related("plan", "plan__agency")
        .order_by("-updated_at", "-pk")[:6]
    )
    return [
        {
            "title": item.title,
            "url": item.plan.get_absolute_url() + f"#item-{item.pk}",
            "agency_name": item.plan.agency.name,
            "progress": item.progress,
        }
        for item in items
    ]


def plan_payload(plan: ImprovementPlan, *, public: bool = True) -> dict:
    """The SPEC plan object; `public` leaves out hidden ideas and non-public workshops/surveys."""
    if public:
        items = public_plan_items(plan)
        links = [
            (item, item.public_ideas, item.public_workshops, item.public_surveys) for item in items
        ]
    else:
        items = staff_plan_items(plan)
        links = [
            (item, item.ideas.all(), item.workshops.all(), item.surveys.all()) for item in items
        ]
    return {
        "agency": plan.agency.slug,
        "fiscal_year": plan.fiscal_year,
        "title": plan.title,
        "is_published": plan.is_published,
        "progress": plan_progress(items),
        "items": [
            {
                "id": item.pk,
                "title": item.title,
                "pmqa_category": item.pmqa_category,
                "pmqa_item": item.pmqa_item,
                "status": item.status,
                "progress": item.progress,
                "ideas": [i.pk for i in ideas],
                "workshops": [w.pk for w in workshops],
                "surveys": [s.pk for s in surveys],
                "description": item.description,
                "owner": item.owner,
                "start_date": item.start_date.isoformat() if item.start_date else None,
                "end_date": item.end_date.isoformat() if item.end_date else None,
                "expected_outcome": item.expected_outcome,
                "actual_outcome": item.actual_outcome,
            }
            for item, ideas, workshops, surveys in links
        ],
    }
