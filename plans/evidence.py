"""The PMQA 4.0 evidence pack for one agency and fiscal year: every number in one place.

The HTML page, the PDF, the XLSX and the JSON API all render `evidence_pack()`; counts are DB
aggregates over the fiscal year (1 Oct – 30 Sep, Asia/Bangkok) and `xlsx_rows()` gives the
underlying records (ideas, votes, comments, survey responses, RM3 answers, workshop
participants) so each number can be traced: the XLSX has them on their own sheets.
"""

import datetime as dt
import statistics
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.models import Agency
from portal.thai_dates import (
    THAI_MONTHS_SHORT,
    fiscal_year_bounds,
    fiscal_year_datetime_range,
    thai_date,
    thai_datetime,
)

from . import pmqa
from .models import ImprovementPlan, PlanItem

# Fiscal years a pack can be asked for (BE); outside it dates overflow, and no data exists.
FISCAL_YEAR_MIN, FISCAL_YEAR_MAX = 2400, 2800
HIDDEN_IDEA_TITLE = gettext_lazy("(ข้อเสนอที่ถูกซ่อนโดยผู้ดูแล)")
RESPONSE_TARGET_DAYS = 15  # a citizen should hear back within 15 days (Thai e-service norm)
RESPONSE_BUCKETS = [(0, 3), (3, 7), (7, 15), (15, 30), (30, None)]


def fiscal_year_ok(value: int) -> bool:
    return FISCAL_YEAR_MIN <= value <= FISCAL_YEAR_MAX


def default_target_pct() -> float:
    return float(settings.RUAMKID.get("SATISFACTION_TARGET_PCT", 85))


def fiscal_months(fiscal_year: int) -> list[dt.date]:
    first, _last = fiscal_year_bounds(fiscal_year)
    months = []
    year, month = first.year, first.month
    for _ in range(12):
        months.append(dt.date(year, month, 1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return months


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_of(value: dt.datetime | None) -> str:
    """The month (``month_key``) of a moment in Thailand; "" when there is none."""
    return month_key(timezone.localtime(value).date()) if value else ""


def month_label(day: dt.date) -> str:
    return f"{THAI_MONTHS_SHORT[day.month - 1]} {day.year + 543}"


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _by_month(queryset, field, *, count: str = "id", distinct: bool = False) -> dict[str, int]:
    """{"YYYY-MM": count} in Bangkok time for the records of the queryset."""
    tz = timezone.get_default_timezone()
    rows = (
        queryset.annotate(_month=TruncMonth(field, tzinfo=tz))
        .values("_month")
        .annotate(_n=Count(count, distinct=distinct))
        .order_by()
    )
    result: dict[str, int] = {}
    for row in rows:
        month = row["_month"]
        if month is None:
            continue
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month, tz) if timezone.is_aware(month) else month
        result[month_key(month)] = result.get(month_key(month), 0) + row["_n"]
    return result


# --- querysets of one agency-year ------------------------------------------------------------


def agency_year_ideas(agency: Agency, fiscal_year: int):
    from ideas.models import Idea

    start, end = fiscal_year_datetime_range(fiscal_year)
    return Idea.objects.filter(agency=agency, created_at__gte=start, created_at__lt=end)


def agency_year_votes(agency: Agency, fiscal_year: int):
    from ideas.models import Vote

    start, end = fiscal_year_datetime_range(fiscal_year)
    return Vote.objects.filter(idea__agency=agency, created_at__gte=start, created_at__lt=end)


def agency_year_comments(agency: Agency, fiscal_year: int):
    from ideas.models import Comment

    start, end = fiscal_year_datetime_range(fiscal_year)
    return Comment.objects.filter(
        idea__agency=agency,
        created_at__gte=start,
        created_at__lt=end,
        is_hidden=False,
        is_removed=False,
    )


def agency_year_workshops(agency: Agency, fiscal_year: int):
    from workshops.models import Workshop

    start, end = fiscal_year_datetime_range(fiscal_year)
    return (
        Workshop.objects.filter(agency=agency)
        .exclude(status=Workshop.Status.DRAFT)
        .annotate(held_at=Coalesce("scheduled_at", "opened_at", "created_at"))
        .filter(held_at__gte=start, held_at__lt=end)
    )


def agency_year_survey_responses(agency: Agency, fiscal_year: int):
    from surveys.models import SurveyResponse

    start, end = fiscal_year_datetime_range(fiscal_year)
    return SurveyResponse.objects.filter(
        survey__agency=agency, submitted_at__gte=start, submitted_at__lt=end
    )


# --- sections ---------------------------------------------------------------------------------


def participation(agency: Agency, fiscal_year: int) -> dict:
    from ideas.models import IdeaStatus, IdeaTag
    from workshops.models import Participant

    ideas = agency_year_ideas(agency, fiscal_year)
    votes = agency_year_votes(agency, fiscal_year)
    comments = agency_year_comments(agency, fiscal_year)
    workshops = agency_year_workshops(agency, fiscal_year)
    responses = agency_year_survey_responses(agency, fiscal_year)
    participants = Participant.objects.filter(workshop__in=workshops.values("pk"))

    idea_totals = ideas.aggregate(
        ideas=Count("id"),
        ideas_public=Count("id", filter=~Q(status=IdeaStatus.HIDDEN)),
        authors=Count("author", distinct=True),
    )
    vote_totals = votes.aggregate(votes=Count("id"), voters=Count("user", distinct=True))
    comment_totals = comments.aggregate(
        comments=Count("id"), commenters=Count("author", distinct=True)
    )
    totals = {
        **idea_totals,
        **vote_totals,
        **comment_totals,
        "workshops": workshops.count(),
        "workshop_participants": participants.count(),
        "survey_responses": responses.count(),
    }

    series = {
        "ideas": _by_month(ideas, "created_at"),
        "votes": _by_month(votes, "created_at"),
        "comments": _by_month(comments, "created_at"),
        "survey_responses": _by_month(responses, "submitted_at"),
        "workshop_participants": _by_month(
            participants,
            Coalesce("workshop__scheduled_at", "workshop__opened_at", "workshop__created_at"),
        ),
    }
    by_month = []
    for month in fiscal_months(fiscal_year):
        key = month_key(month)
        by_month.append(
            {"month": key, "label": month_label(month)}
            | {name: values.get(key, 0) for name, values in series.items()}
        )

    status_labels = dict(IdeaStatus.choices)
    status_counts = dict(
        ideas.values_list("status").annotate(n=Count("id")).order_by().values_list("status", "n")
    )
    by_status = [
        {"status": code, "label": str(status_labels[code]), "ideas": status_counts.get(code, 0)}
        for code, _label in IdeaStatus.choices
    ]

    tag_rows = (
        IdeaTag.objects.filter(idea__in=ideas.values("pk"))
        .values("tag__slug", "tag__label")
        .annotate(n=Count("idea", distinct=True))
        .order_by("-n", "tag__slug")
    )
    by_tag = [{"slug": r["tag__slug"], "label": r["tag__label"], "ideas": r["n"]} for r in tag_rows]
    untagged = ideas.filter(idea_tags__isnull=True).count()
    return {
        "totals": totals,
        "by_month": by_month,
        "by_status": by_status,
        "by_tag": by_tag,
        "untagged_ideas": untagged,
    }


def response_times(agency: Agency, fiscal_year: int) -> dict:
    """Submission → first official response, for the year's ideas (hidden ones excluded)."""
    from ideas.models import IdeaStatus

    ideas = agency_year_ideas(agency, fiscal_year).exclude(status=IdeaStatus.HIDDEN)
    pairs = ideas.filter(first_response_at__isnull=False).values_list(
        "created_at", "first_response_at"
    )
    days = sorted(max(0.0, (first - created).total_seconds() / 86400) for created, first in pairs)
    total = ideas.count()
    responded = len(days)
    buckets = []
    for low, high in RESPONSE_BUCKETS:
        n = sum(1 for d in days if d >= low and (high is None or d < high))
        label = f"{low}–{high} วัน" if high is not None else f"{low} วันขึ้นไป"
        buckets.append({"label": label, "from_days": low, "to_days": high, "ideas": n})
    within = sum(1 for d in days if d <= RESPONSE_TARGET_DAYS)
    return {
        "ideas": total,
        "responded": responded,
        "unresponded": total - responded,
        "responded_pct": _pct(responded, total),
        "median_days": round(statistics.median(days), 1) if days else None,
        "mean_days": round(statistics.fmean(days), 1) if days else None,
        "max_days": round(days[-1], 1) if days else None,
        "target_days": RESPONSE_TARGET_DAYS,
        "within_target": within,
        "within_target_pct": _pct(within, responded),
        "buckets": buckets,
    }


def satisfaction(agency: Agency, fiscal_year: int, target_pct: float) -> dict:
    """RM3: satisfaction % for the year and the two before it, against the target."""
    from surveys.selectors import satisfaction_by_fiscal_year

    years = [fiscal_year - 2, fiscal_year - 1, fiscal_year]
    data = satisfaction_by_fiscal_year(agency=agency, fiscal_years=years)
    counts = _satisfaction_answer_counts(agency, years)
    rows = []
    for year in years:
        entry = data.get(year, {"responses": 0, "satisfaction_pct": None})
        pct = entry["satisfaction_pct"]
        rows.append(
            {
                "fiscal_year": year,
                "responses": entry["responses"],
                # the % is satisfied_answers / answers (the rows are on the XLSX sheet)
                "answers": counts[f"t{year}"],
                "satisfied_answers": counts[f"s{year}"],
                "satisfaction_pct": pct,
                "target_pct": target_pct,
                "meets_target": None if pct is None else pct >= target_pct,
            }
        )
    return {"target_pct": target_pct, "years": rows}


def satisfaction_answers(agency: Agency, years: list[int]):
    """The likert5 (1–5) answers behind RM3: those submitted in the given BE fiscal years."""
    from surveys.models import Answer, QuestionKind

    start, _end = fiscal_year_datetime_range(min(years))
    _start, end = fiscal_year_datetime_range(max(years))
    return Answer.objects.filter(
        response__survey__agency=agency,
        question__kind=QuestionKind.LIKERT5,
        response__submitted_at__gte=start,
        response__submitted_at__lt=end,
    )


def _satisfaction_answer_counts(agency: Agency, years: list[int]) -> dict[str, int]:
    aggregates = {}
    for year in years:
        start, end = fiscal_year_datetime_range(year)
        in_year = Q(response__submitted_at__gte=start, response__submitted_at__lt=end)
        aggregates[f"t{year}"] = Count("id", filter=in_year)
        aggregates[f"s{year}"] = Count("id", filter=in_year & Q(number__gte=4))
    return satisfaction_answers(agency, years).aggregate(**aggregates)


def plan_item_links(plan: ImprovementPlan | None) -> list[dict]:
    """Plan items with the ideas, workshops and surveys behind them ("you said, we did")."""
    if plan is None:
        return []
    items = (
        PlanItem.objects.filter(plan=plan)
        .prefetch_related("ideas", "workshops", "surveys")
        .order_by("pmqa_item", "sort_order", "pk")
    )
    from .selectors import item_origins

    items = list(items)
    origins = item_origins([item.pk for item in items])
    result = []
    for item in items:
        result.append(
            {
                "id": item.pk,
                "title": item.title,
                "pmqa_category": item.pmqa_category,
                "pmqa_item": item.pmqa_item,
                "status": item.status,
                "status_label": str(item.get_status_display()),
                "progress": item.progress,
                "owner": item.owner,
                "start_date": item.start_date.isoformat() if item.start_date else None,
                "end_date": item.end_date.isoformat() if item.end_date else None,
                "expected_outcome": item.expected_outcome,
                "actual_outcome": item.actual_outcome,
                "kpi": {
                    "name": item.kpi_name,
                    "unit": item.kpi_unit,
                    "target": float(item.kpi_target) if item.kpi_target is not None else None,
                    "actual": float(item.kpi_actual) if item.kpi_actual is not None else None,
                },
                "ideas": [
                    {
                        "id": idea.pk,
                        # moderated-away text stays out of the pack, as on the XLSX idea sheet
                        "title": idea.title if idea.status != "hidden" else str(HIDDEN_IDEA_TITLE),
                        "status": idea.status,
                        "vote_count": idea.vote_count,
                        "created_at": idea.created_at.isoformat(),
                    }
                    for idea in sorted(item.ideas.all(), key=lambda i: i.pk)
                ],
                "workshops": [
                    {"id": w.pk, "title": w.title, "code": w.code}
                    for w in sorted(item.workshops.all(), key=lambda w: w.pk)
                ],
                "surveys": [
                    {"id": s.pk, "title": s.title}
                    for s in sorted(item.surveys.all(), key=lambda s: s.pk)
                ],
                "origins": [
                    {k: v for k, v in origin.items() if k != "assessment_url"}
                    for origin in origins.get(item.pk, [])
                ],
            }
        )
    return result


def workshop_section(agency: Agency, fiscal_year: int) -> list[dict]:
    from workshops.selectors import workshop_outputs

    result = []
    for workshop in agency_year_workshops(agency, fiscal_year).select_related("agency"):
        outputs = workshop_outputs(workshop)
        info = outputs["workshop"]
        result.append(
            {
                "id": info["id"],
                "code": info["code"],
                "title": info["title"],
                "challenge": info.get("challenge", ""),
                "status": info["status"],
                "held_at": workshop.held_at.isoformat() if workshop.held_at else None,
                "held_label": thai_date(workshop.held_at) if workshop.held_at else "",
                "participant_count": outputs["participant_count"],
                "note_count": outputs["note_count"],
                "vote_count": outputs["vote_count"],
                "clusters": [
                    {
                        "title": c["title"],
                        "note_count": c["note_count"],
                        "vote_count": c["vote_count"],
                    }
                    for c in outputs["clusters"]
                ],
                "top_notes": [
                    {"text": n["text"], "votes": n["votes"], "cluster": n.get("cluster")}
                    for n in outputs["top_notes"][:5]
                ],
                "promoted_idea_ids": outputs.get("promoted_idea_ids", []),
            }
        )
    return result


def you_said_we_did(items: list[dict]) -> list[dict]:
    rows = []
    for item in items:
        for idea in item["ideas"]:
            rows.append(
                {
                    "idea_id": idea["id"],
                    "idea_title": idea["title"],
                    "idea_status": idea["status"],
                    "plan_item_id": item["id"],
                    "plan_item": item["title"],
                    "pmqa_item": item["pmqa_item"],
                    "progress": item["progress"],
                    "what_was_done": item["actual_outcome"] or item["expected_outcome"],
                }
            )
    return rows


def evidence_rows(
    *, agency: Agency, fiscal_year: int, part: dict, times: dict, rm3: dict, items: list[dict]
) -> list[dict]:
    """Evidence lines filed under PMQA items, with ids like `E-3.3-2570-<agency>-01`."""
    totals = part["totals"]
    lines: list[tuple[str, str, str, str]] = [
        (
            "3.1",
            "ข้อเสนอของประชาชนผ่านระบบร่วมคิด",
            f"{totals['ideas']} ข้อเสนอ จากผู้เสนอ {totals['authors']} คน",
            "sheet:ข้อเสนอ",
        ),
        (
            "3.1",
            "เวิร์กช็อปออกแบบบริการร่วมกับประชาชน",
            f"{totals['workshops']} ครั้ง ผู้เข้าร่วม {totals['workshop_participants']} คน",
            "sheet:เวิร์กช็อป",
        ),
        (
            "3.1",
            "การตอบแบบสำรวจความพึงพอใจ",
            f"{totals['survey_responses']} คำตอบ",
            "sheet:รายเดือน",
        ),
        (
            "3.2",
            "การมีส่วนร่วม: โหวตและความคิดเห็น",
            f"{totals['votes']} โหวต จาก {totals['voters']} คน · {totals['comments']} ความคิดเห็น",
            "sheet:รายเดือน",
        ),
        (
            "3.4",
            "การตอบกลับข้อเสนออย่างเป็นทางการ",
            f"ตอบแล้ว {times['responded']} จาก {times['ideas']} ข้อเสนอ · มัธยฐาน "
            f"{times['median_days'] if times['median_days'] is not None else '–'} วัน",
            "sheet:ระยะเวลาตอบกลับ",
        ),
    ]
    current = rm3["years"][-1]
    lines.append(
        (
            pmqa.RM3_ITEM,
            "RM3 ร้อยละความพึงพอใจของผู้รับบริการ",
            f"ปีงบประมาณ {current['fiscal_year']}: "
            + (
                f"{current['satisfaction_pct']}%"
                if current["satisfaction_pct"] is not None
                else "–"
            )
            + f" (เป้าหมาย {rm3['target_pct']:g}%)",
            "sheet:RM3",
        )
    )
    for item in items:
        linked = len(item["ideas"]) + len(item["workshops"]) + len(item["surveys"])
        lines.append(
            (
                item["pmqa_item"],
                item["title"],
                f"{item['status_label']} {item['progress']}% · เชื่อมโยงข้อมูลจากประชาชน {linked} รายการ",
                f"plan_item:{item['id']}",
            )
        )
    counters: dict[str, int] = defaultdict(int)
    rows = []
    for code, title, summary, source in sorted(
        lines, key=lambda line: tuple(int(p) for p in line[0].split("."))
    ):
        counters[code] += 1
        rows.append(
            {
                "evidence_id": f"E-{code}-{fiscal_year}-{agency.slug}-{counters[code]:02d}",
                "pmqa_category": int(code.split(".")[0]),
                "pmqa_item": code,
                "pmqa_item_label": pmqa.item_label(code),
                "title": title,
                "summary": summary,
                "source": source,
            }
        )
    return rows


def evidence_pack(*, agency: Agency, fiscal_year: int) -> dict:
    plan = ImprovementPlan.objects.filter(agency=agency, fiscal_year=fiscal_year).first()
    target = float(plan.satisfaction_target_pct) if plan else default_target_pct()
    first, last = fiscal_year_bounds(fiscal_year)
    part = participation(agency, fiscal_year)
    times = response_times(agency, fiscal_year)
    rm3 = satisfaction(agency, fiscal_year, target)
    items = plan_item_links(plan)
    now = timezone.now()
    return {
        "agency": {"slug": agency.slug, "name": agency.name, "name_en": agency.name_en},
        "fiscal_year": fiscal_year,
        "period": {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "label": f"{thai_date(first)} – {thai_date(last)}",
        },
        "generated_at": now.isoformat(),
        "generated_at_label": thai_datetime(now),
        "plan": (
            {"id": plan.pk, "title": plan.title, "is_published": plan.is_published}
            if plan
            else None
        ),
        "participation": part,
        "response_times": times,
        "satisfaction": rm3,
        "plan_items": items,
        "workshops": workshop_section(agency, fiscal_year),
        "you_said_we_did": you_said_we_did(items),
        "evidence": evidence_rows(
            agency=agency, fiscal_year=fiscal_year, part=part, times=times, rm3=rm3, items=items
        ),
    }


def idea_rows(*, agency: Agency, fiscal_year: int):
    """The year's ideas, one dict per idea (no personal data), for the XLSX sheet. Streams."""
    ideas = agency_year_ideas(agency, fiscal_year).order_by("created_at", "pk")
    tags = defaultdict(list)
    from ideas.models import IdeaTag

    for idea_id, slug in (
        IdeaTag.objects.filter(idea__in=ideas.values("pk"))
        .order_by("idea_id", "-score")
        .values_list("idea_id", "tag__slug")
    ):
        tags[idea_id].append(slug)
    links = defaultdict(list)
    for idea_id, item_id in PlanItem.ideas.through.objects.filter(
        idea__in=ideas.values("pk")
    ).values_list("idea_id", "planitem_id"):
        links[idea_id].append(item_id)
    fields = (
        "pk",
        "title",
        "status",
        "created_at",
        "first_response_at",
        "vote_count",
        "comment_count",
        "origin",
    )
    for row in ideas.values_list(*fields).iterator(chunk_size=2000):
        pk, title, status, created_at, first_response_at, votes, comments, origin = row
        days = (
            round((first_response_at - created_at).total_seconds() / 86400, 2)
            if first_response_at
            else None
        )
        yield {
            "id": pk,
            "title": title if status != "hidden" else "",
            "status": status,
            "origin": origin,
            "created_at": created_at,
            "month": _month_of(created_at),
            "first_response_at": first_response_at,
            "days_to_response": days,
            "vote_count": votes,
            "comment_count": comments,
            "tags": tags.get(pk, []),
            "plan_items": links.get(pk, []),
        }


# --- the rows behind every number (XLSX sheets) ---------------------------------------------


class Pseudonyms:
    """Stable stand-ins for people within one evidence pack ("U-0001", in order of first
    appearance): distinct voters, commenters and respondents can be counted from the rows
    without names, e-mails or account ids leaving the portal."""

    def __init__(self):
        self._numbers: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self._numbers:
            self._numbers[user_id] = f"U-{len(self._numbers) + 1:04d}"
        return self._numbers[user_id]


def vote_rows(*, agency: Agency, fiscal_year: int, people: Pseudonyms):
    """Every vote behind "โหวต" / "ผู้โหวต (คน)" and the monthly vote counts."""
    votes = agency_year_votes(agency, fiscal_year).order_by("created_at", "pk")
    for pk, idea_id, user_id, created_at in votes.values_list(
        "pk", "idea_id", "user_id", "created_at"
    ).iterator(chunk_size=5000):
        yield {
            "id": pk,
            "idea_id": idea_id,
            "person": people(user_id),
            "created_at": created_at,
            "month": _month_of(created_at),
        }


def comment_rows(*, agency: Agency, fiscal_year: int, people: Pseudonyms):
    """Every shown comment behind "ความคิดเห็น" / "ผู้แสดงความคิดเห็น (คน)" (no text)."""
    comments = agency_year_comments(agency, fiscal_year).order_by("created_at", "pk")
    for pk, idea_id, user_id, created_at in comments.values_list(
        "pk", "idea_id", "author_id", "created_at"
    ).iterator(chunk_size=5000):
        yield {
            "id": pk,
            "idea_id": idea_id,
            "person": people(user_id),
            "created_at": created_at,
            "month": _month_of(created_at),
        }


def survey_response_rows(*, agency: Agency, fiscal_year: int):
    """Every survey response behind "คำตอบแบบสำรวจ" (per month and in total)."""
    responses = agency_year_survey_responses(agency, fiscal_year).order_by("submitted_at", "pk")
    for pk, survey_id, title, submitted_at in responses.values_list(
        "pk", "survey_id", "survey__title", "submitted_at"
    ).iterator(chunk_size=5000):
        yield {
            "id": pk,
            "survey_id": survey_id,
            "survey": title,
            "submitted_at": submitted_at,
            "month": _month_of(submitted_at),
        }


def satisfaction_answer_rows(*, agency: Agency, fiscal_year: int):
    """Every likert5 answer behind the RM3 table (the year and the two before it)."""
    from portal.thai_dates import fiscal_year as fiscal_year_of

    answers = satisfaction_answers(agency, [fiscal_year - 2, fiscal_year]).order_by(
        "response__submitted_at", "response_id", "pk"
    )
    for pk, response_id, survey_id, question_id, number, submitted_at in answers.values_list(
        "pk",
        "response_id",
        "response__survey_id",
        "question_id",
        "number",
        "response__submitted_at",
    ).iterator(chunk_size=5000):
        yield {
            "id": pk,
            "response_id": response_id,
            "survey_id": survey_id,
            "question_id": question_id,
            "fiscal_year": fiscal_year_of(submitted_at),
            "submitted_at": submitted_at,
            "score": number,
            "satisfied": number is not None and number >= 4,
        }


def workshop_participant_rows(*, agency: Agency, fiscal_year: int, people: Pseudonyms):
    """Every participant behind "ผู้เข้าร่วมเวิร์กช็อป", filed under the month it was held."""
    from workshops.models import Participant

    workshops = agency_year_workshops(agency, fiscal_year)
    held = dict(workshops.values_list("pk", "held_at"))
    participants = Participant.objects.filter(workshop__in=workshops.values("pk")).order_by(
        "workshop_id", "pk"
    )
    for pk, workshop_id, user_id in participants.values_list(
        "pk", "workshop_id", "user_id"
    ).iterator(chunk_size=5000):
        held_at = held.get(workshop_id)
        yield {
            "id": pk,
            "workshop_id": workshop_id,
            "person": people(user_id),
            "held_at": held_at,
            "month": _month_of(held_at),
        }


def xlsx_rows(*, agency: Agency, fiscal_year: int) -> dict:
    """The underlying rows of the XLSX, one generator per sheet (streamed while writing)."""
    people = Pseudonyms()
    kwargs = {"agency": agency, "fiscal_year": fiscal_year}
    return {
        "ideas": idea_rows(**kwargs),
        "votes": vote_rows(**kwargs, people=people),
        "comments": comment_rows(**kwargs, people=people),
        "survey_responses": survey_response_rows(**kwargs),
        "satisfaction_answers": satisfaction_answer_rows(**kwargs),
        "workshop_participants": workshop_participant_rows(**kwargs, people=people),
    }
