"""Evidence the portal already holds for an item, with the numbers computed from the records.

Each criteria item names an `evidence_source`; `suggestions_for()` computes that source once per
agency-year: 3.1 listening channels, 3.2 satisfaction results, 3.3 implemented ideas and workshop
prototypes, 3.4 complaint-tagged ideas with response times, RM3 satisfaction vs target.
Each suggestion has a Thai `summary`, the raw `numbers`, and `records` that can be cited.
"""

import statistics

from django.conf import settings
from django.db.models import Count, Q

from plans.evidence import (
    RESPONSE_TARGET_DAYS,
    agency_year_ideas,
    agency_year_survey_responses,
    agency_year_workshops,
    default_target_pct,
)
from portal.thai_dates import fiscal_year_datetime_range

from .models import EvidenceSource

# The ideas app has no complaint flag: an idea counts as a complaint when it carries one of
# these tags (a problem with service, not a new-service suggestion). Settings may override.
DEFAULT_COMPLAINT_TAGS = (
    "waiting-time",
    "staff-service",
    "facilities",
    "environment",
    "safety",
    "transparency",
)
PROTOTYPE_PHASES = {"ต้นแบบ", "prototype"}


def complaint_tag_slugs() -> tuple[str, ...]:
    return tuple(settings.RUAMKID.get("COMPLAINT_TAG_SLUGS", DEFAULT_COMPLAINT_TAGS))


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _fmt(value, suffix: str = "") -> str:
    return "–" if value is None else f"{value:g}{suffix}"


def listening(agency, fiscal_year: int) -> dict:
    from workshops.models import Participant

    ideas = agency_year_ideas(agency, fiscal_year).exclude(status="hidden")
    totals = ideas.aggregate(ideas=Count("id"), authors=Count("author", distinct=True))
    workshops = list(agency_year_workshops(agency, fiscal_year).order_by("held_at", "pk"))
    participants = Participant.objects.filter(workshop__in=[w.pk for w in workshops]).count()
    responses = agency_year_survey_responses(agency, fiscal_year).count()
    numbers = {
        "ideas": totals["ideas"],
        "authors": totals["authors"],
        "workshops": len(workshops),
        "workshop_participants": participants,
        "survey_responses": responses,
    }
    return {
        "key": EvidenceSource.LISTENING,
        "title": "ช่องทางรับฟังเสียงประชาชนผ่านระบบร่วมคิด",
        "summary": (
            f"ข้อเสนอ {numbers['ideas']} เรื่อง จากผู้เสนอ {numbers['authors']} คน · "
            f"เวิร์กช็อป {numbers['workshops']} ครั้ง ผู้เข้าร่วม {participants} คน · "
            f"คำตอบแบบสำรวจ {responses} ชุด"
        ),
        "numbers": numbers,
        "records": [
            {"kind": "workshop", "id": w.pk, "title": w.title, "detail": f"รหัส {w.code}"}
            for w in workshops
        ],
    }


def satisfaction(agency, fiscal_year: int) -> dict:
    from surveys.models import SurveyPage
    from surveys.selectors import satisfaction_by_fiscal_year

    years = [fiscal_year - 2, fiscal_year - 1, fiscal_year]
    overall = satisfaction_by_fiscal_year(agency=agency, fiscal_years=years)
    current = overall.get(fiscal_year, {"responses": 0, "satisfaction_pct": None})
    start, end = fiscal_year_datetime_range(fiscal_year)
    surveys = (
        SurveyPage.objects.filter(agency=agency)
        .annotate(
            year_responses=Count(
                "responses",
                filter=Q(responses__submitted_at__gte=start, responses__submitted_at__lt=end),
            )
        )
        .filter(year_responses__gt=0)
        .order_by("pk")
    )
    records = []
    for survey in surveys:
        pct = satisfaction_by_fiscal_year(agency=agency, fiscal_years=[fiscal_year], survey=survey)[
            fiscal_year
        ]["satisfaction_pct"]
        records.append(
            {
                "kind": "survey",
                "id": survey.pk,
                "title": survey.title,
                "detail": f"{survey.year_responses} คำตอบ · พึงพอใจร้อยละ {_fmt(pct)}",
                "responses": survey.year_responses,
                "satisfaction_pct": pct,
            }
        )
    trend = " · ".join(
        f"ปีงบ {y}: {_fmt(overall[y]['satisfaction_pct'], '%')}" for y in years if y in overall
    )
    return {
        "key": EvidenceSource.SATISFACTION,
        "title": "ผลสำรวจความพึงพอใจผู้รับบริการ",
        "summary": (
            f"ปีงบประมาณ {fiscal_year}: {current['responses']} คำตอบ พึงพอใจร้อยละ "
            f"{_fmt(current['satisfaction_pct'])} (แนวโน้ม {trend})"
        ),
        "numbers": {
            "responses": current["responses"],
            "satisfaction_pct": current["satisfaction_pct"],
            "years": [
                {"fiscal_year": y, **overall.get(y, {"responses": 0, "satisfaction_pct": None})}
                for y in years
            ],
        },
        "records": records,
    }


def innovation(agency, fiscal_year: int) -> dict:
    from ideas.models import Idea, IdeaStatusChange
    from workshops.models import Note

    start, end = fiscal_year_datetime_range(fiscal_year)
    implemented_ids = IdeaStatusChange.objects.filter(
        idea__agency=agency,
        to_status="implemented",
        created_at__gte=start,
        created_at__lt=end,
    ).values("idea_id")
    implemented = list(
        Idea.objects.filter(pk__in=implemented_ids, status="implemented").order_by(
            "-vote_count", "pk"
        )
    )
    workshops = list(
        agency_year_workshops(agency, fiscal_year)
        .annotate(
            cluster_count=Count("clusters", distinct=True),
            note_count=Count("notes", distinct=True),
        )
        .order_by("held_at", "pk")
    )
    prototype_q = Q()
    for workshop in workshops:
        indexes = [i for i, phase in enumerate(workshop.phases or []) if phase in PROTOTYPE_PHASES]
        if indexes:
            prototype_q |= Q(workshop=workshop, phase_index__in=indexes)
    prototype_counts = {}
    if prototype_q:
        prototype_counts = dict(
            Note.objects.filter(prototype_q)
            .values_list("workshop")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("workshop", "n")
        )
    promoted = dict(
        Note.objects.filter(workshop__in=[w.pk for w in workshops], promoted_idea__isnull=False)
        .values_list("workshop")
        .annotate(n=Count("promoted_idea", distinct=True))
        .order_by()
        .values_list("workshop", "n")
    )
    prototypes = sum(prototype_counts.values())
    records = [
        {"kind": "idea", "id": idea.pk, "title": idea.title, "detail": f"{idea.vote_count} โหวต"}
        for idea in implemented
    ]
    records += [
        {
            "kind": "workshop",
            "id": w.pk,
            "title": w.title,
            "detail": (
                f"ต้นแบบ {prototype_counts.get(w.pk, 0)} ชิ้น · กลุ่มความคิด {w.cluster_count} กลุ่ม"
                f" · ยกระดับเป็นข้อเสนอ {promoted.get(w.pk, 0)} เรื่อง"
            ),
        }
        for w in workshops
    ]
    return {
        "key": EvidenceSource.INNOVATION,
        "title": "ข้อเสนอที่ดำเนินการแล้วและต้นแบบจากเวิร์กช็อป",
        "summary": (
            f"ข้อเสนอของประชาชนที่ดำเนินการแล้วในปีงบประมาณ {fiscal_year} {len(implemented)} เรื่อง · "
            f"เวิร์กช็อป {len(workshops)} ครั้ง ได้ต้นแบบ {prototypes} ชิ้น "
            f"กลุ่มความคิด {sum(w.cluster_count for w in workshops)} กลุ่ม"
        ),
        "numbers": {
            "implemented_ideas": len(implemented),
            "workshops": len(workshops),
            "prototype_notes": prototypes,
            "clusters": sum(w.cluster_count for w in workshops),
            "promoted_ideas": sum(promoted.values()),
        },
        "records": records,
    }


def complaints(agency, fiscal_year: int) -> dict:
    slugs = complaint_tag_slugs()
    ideas = (
        agency_year_ideas(agency, fiscal_year)
        .exclude(status="hidden")
        .filter(idea_tags__tag__slug__in=slugs)
        .distinct()
    )
    rows = list(
        ideas.order_by("created_at", "pk").values("pk", "title", "created_at", "first_response_at")
    )
    days = sorted(
        max(0.0, (r["first_response_at"] - r["created_at"]).total_seconds() / 86400)
        for r in rows
        if r["first_response_at"] is not None
    )
    within = sum(1 for d in days if d <= RESPONSE_TARGET_DAYS)
    numbers = {
        "complaints": len(rows),
        "responded": len(days),
        "unresponded": len(rows) - len(days),
        "responded_pct": _pct(len(days), len(rows)),
        "median_days": round(statistics.median(days), 1) if days else None,
        "mean_days": round(statistics.fmean(days), 1) if days else None,
        "max_days": round(days[-1], 1) if days else None,
        "target_days": RESPONSE_TARGET_DAYS,
        "within_target": within,
        "within_target_pct": _pct(within, len(days)),
        "tags": list(slugs),
    }
    records = []
    for r in rows[:20]:
        if r["first_response_at"] is None:
            detail = "ยังไม่ได้ตอบกลับ"
        else:
            wait = (r["first_response_at"] - r["created_at"]).total_seconds() / 86400
            detail = f"ตอบกลับใน {max(0.0, wait):.1f} วัน"
        records.append({"kind": "idea", "id": r["pk"], "title": r["title"], "detail": detail})
    return {
        "key": EvidenceSource.COMPLAINTS,
        "title": "ข้อร้องเรียนจากประชาชนและระยะเวลาตอบกลับ",
        "summary": (
            f"ข้อร้องเรียน {numbers['complaints']} เรื่อง ตอบกลับแล้ว {numbers['responded']} เรื่อง "
            f"(ร้อยละ {_fmt(numbers['responded_pct'])}) · มัธยฐาน {_fmt(numbers['median_days'])} วัน · "
            f"ตอบภายใน {RESPONSE_TARGET_DAYS} วัน ร้อยละ {_fmt(numbers['within_target_pct'])}"
        ),
        "numbers": numbers,
        "records": records,
    }


def results_satisfaction(agency, fiscal_year: int) -> dict:
    from plans.models import ImprovementPlan
    from surveys.selectors import satisfaction_by_fiscal_year

    plan = ImprovementPlan.objects.filter(agency=agency, fiscal_year=fiscal_year).first()
    target = float(plan.satisfaction_target_pct) if plan else default_target_pct()
    years = [fiscal_year - 2, fiscal_year - 1, fiscal_year]
    data = satisfaction_by_fiscal_year(agency=agency, fiscal_years=years)
    rows = []
    for year in years:
        entry = data.get(year, {"responses": 0, "satisfaction_pct": None})
        pct = entry["satisfaction_pct"]
        rows.append(
            {
                "fiscal_year": year,
                "responses": entry["responses"],
                "satisfaction_pct": pct,
                "meets_target": None if pct is None else pct >= target,
            }
        )
    return {
        "key": EvidenceSource.RESULTS_SATISFACTION,
        "title": "RM3 ร้อยละความพึงพอใจเทียบเป้าหมาย 3 ปี",
        "summary": " · ".join(
            f"ปีงบ {r['fiscal_year']}: {_fmt(r['satisfaction_pct'], '%')}" for r in rows
        )
        + f" (เป้าหมาย {target:g}%)",
        "numbers": {"target_pct": target, "years": rows},
        "records": [],
    }


SOURCES = {
    EvidenceSource.LISTENING: listening,
    EvidenceSource.SATISFACTION: satisfaction,
    EvidenceSource.INNOVATION: innovation,
    EvidenceSource.COMPLAINTS: complaints,
    EvidenceSource.RESULTS_SATISFACTION: results_satisfaction,
}


def suggestions_for(*, agency, fiscal_year: int, sources) -> dict[str, dict]:
    """{source key: suggestion} for the given sources (each computed once)."""
    return {
        key: SOURCES[key](agency, fiscal_year) for key in dict.fromkeys(sources) if key in SOURCES
    }
