"""Reads for self-assessments: lists, the full assessment (fixed query count), readiness,
the payload used by the API and the exports, and evidence ids."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse

from portal.models import Agency, Role
from portal.permissions import agencies_with_role

from .models import (
    AssessmentComment,
    Category,
    ChecklistQuestion,
    Evidence,
    Finding,
    HistoryEntry,
    Item,
    ItemAnswer,
    Level,
    SelfAssessment,
)
from .suggestions import suggestions_for

MEMBER_ROLES = (Role.MODERATOR, Role.FACILITATOR, Role.MANAGER)


def evidence_id(*, code: str, fiscal_year: int, agency_slug: str, number: int) -> str:
    """Same scheme as the plans evidence pack (`E-<item>-<year>-<agency>-<nn>`), with an `S`
    before the number so self-assessment evidence never collides with the pack's lines."""
    return f"E-{code}-{fiscal_year}-{agency_slug}-S{number:02d}"


def member_agencies(user):
    return agencies_with_role(user, MEMBER_ROLES).order_by("name")


def assessments_for_user(user):
    agencies = member_agencies(user)
    return (
        SelfAssessment.objects.filter(agency__in=agencies)
        .select_related("agency", "criteria_set")
        .annotate(
            item_count=Count("answers", distinct=True),
            explained=Count("answers", filter=~Q(answers__explanation=""), distinct=True),
        )
        .order_by("agency__name", "-fiscal_year")
    )


def agency_by_slug(slug: str) -> Agency:
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise Http404("ไม่พบหน่วยงาน (agency not found)")
    return agency


def assessment_for(*, agency: Agency, fiscal_year: int) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.select_related(
            "agency", "criteria_set", "created_by", "reviewed_by", "submitted_by"
        )
        .filter(agency=agency, fiscal_year=fiscal_year)
        .first()
    )


def _answers(assessment: SelfAssessment):
    return (
        ItemAnswer.objects.filter(assessment=assessment)
        .select_related("item__category", "updated_by")
        .prefetch_related(
            Prefetch(
                "item__questions",
                queryset=ChecklistQuestion.objects.order_by("level", "sort_order", "pk"),
            ),
            "checks",
            "contributors",
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related(
                    "idea", "workshop", "survey", "plan_item__plan"
                ).order_by("number"),
            ),
        )
        .order_by("item__category__number", "item__sort_order", "item__code")
    )


def evidence_url(evidence: Evidence, assessment: SelfAssessment | None = None) -> str:
    if evidence.kind == Evidence.Kind.FILE:
        if not evidence.file:
            return ""
        assessment = assessment or evidence.answer.assessment
        return reverse(
            "assessments:evidence_download",
            kwargs={
                "agency_slug": assessment.agency.slug,
                "fiscal_year": assessment.fiscal_year,
                "evidence_id": evidence.pk,
            },
        )
    target = {
        Evidence.Kind.IDEA: evidence.idea,
        Evidence.Kind.WORKSHOP: evidence.workshop,
        Evidence.Kind.SURVEY: evidence.survey,
    }.get(evidence.kind)
    if evidence.kind == Evidence.Kind.PLAN_ITEM and evidence.plan_item is not None:
        return evidence.plan_item.plan.get_absolute_url() + f"#item-{evidence.plan_item_id}"
    if target is None:
        return ""
    url = getattr(target, "url", None) if evidence.kind == Evidence.Kind.SURVEY else None
    try:
        return url or target.get_absolute_url()
    except Exception:  # noqa: BLE001 (a page without a route still counts as evidence)
        return ""


def _evidence_dict(evidence: Evidence, *, code: str, assessment: SelfAssessment) -> dict:
    return {
        "id": evidence.pk,
        "evidence_id": evidence_id(
            code=code,
            fiscal_year=assessment.fiscal_year,
            agency_slug=assessment.agency.slug,
            number=evidence.number,
        ),
        "kind": evidence.kind,
        "kind_label": str(evidence.get_kind_display()),
        "title": evidence.title,
        "note": evidence.note,
        "target_id": evidence.target_id,
        "file_name": evidence.file.name.rsplit("/", 1)[-1] if evidence.file else "",
        "file_size": evidence.file_size,
        "url": evidence_url(evidence, assessment),
        "citizen_input": evidence.is_citizen_input,
        "created_at": evidence.created_at,
    }


def previous_levels(assessment: SelfAssessment) -> dict[str, int]:
    """{item code: level} from the agency's assessment of the year before (matched by code)."""
    return dict(
        ItemAnswer.objects.filter(
            assessment__agency_id=assessment.agency_id,
            assessment__fiscal_year=assessment.fiscal_year - 1,
        ).values_list("item__code", "level")
    )


def assessment_structure(assessment: SelfAssessment) -> list[dict]:
    """Categories in criteria order, each with its items (answer, checklist, evidence) and
    findings. A fixed number of queries whatever the number of items."""
    categories = list(
        Category.objects.filter(criteria_set_id=assessment.criteria_set_id).order_by("number")
    )
    findings = (
        Finding.objects.filter(assessment=assessment)
        .select_related("plan_item__plan", "item", "created_by")
        .order_by("kind", "pk")
    )
    by_category: dict[int, dict] = {
        c.pk: {"category": c, "items": [], "strengths": [], "ofis": []} for c in categories
    }
    last_year = previous_levels(assessment)
    for answer in _answers(assessment):
        item = answer.item
        checked = {c.question_id for c in answer.checks.all() if c.checked}
        by_category[item.category_id]["items"].append(
            {
                "answer": answer,
                "item": item,
                "code": item.code,
                "label": item.label,
                "level": answer.level,
                "level_label": str(Level(answer.level).label),
                "target_level": answer.target_level,
                "target_label": str(Level(answer.target_level).label),
                "last_year_level": last_year.get(item.code),
                "questions": [
                    {
                        "id": q.pk,
                        "level": q.level,
                        "level_label": str(Level(q.level).label),
                        "text": q.text,
                        "checked": q.pk in checked,
                    }
                    for q in item.questions.all()
                ],
                "evidence": [
                    _evidence_dict(e, code=item.code, assessment=assessment)
                    for e in answer.evidence.all()
                ],
                "contributors": sorted(u.public_name for u in answer.contributors.all()),
            }
        )
    for finding in findings:
        entry = by_category.get(finding.category_id)
        if entry is not None:
            key = "strengths" if finding.kind == Finding.Kind.STRENGTH else "ofis"
            entry[key].append(finding)
    return [by_category[c.pk] for c in categories]


def readiness(assessment: SelfAssessment, structure: list[dict] | None = None) -> dict:
    """Per category and item: level vs target, missing evidence, no citizen input, last year."""
    structure = structure if structure is not None else assessment_structure(assessment)
    rows = []
    totals = {"items": 0, "at_target": 0, "no_evidence": 0, "no_citizen_input": 0}
    for entry in structure:
        items = []
        for it in entry["items"]:
            evidence = it["evidence"]
            row = {
                "code": it["code"],
                "label": it["label"],
                "level": it["level"],
                "level_label": it["level_label"],
                "target_level": it["target_level"],
                "gap": max(0, it["target_level"] - it["level"]),
                "at_target": it["level"] >= it["target_level"],
                "evidence_count": len(evidence),
                "citizen_evidence": sum(1 for e in evidence if e["citizen_input"]),
                "last_year_level": it["last_year_level"],
                "explained": bool(it["answer"].explanation),
            }
            row["missing_evidence"] = row["evidence_count"] == 0
            row["no_citizen_input"] = row["citizen_evidence"] == 0
            items.append(row)
        n = len(items)
        last = [i["last_year_level"] for i in items if i["last_year_level"] is not None]
        summary = {
            "number": entry["category"].number,
            "name": entry["category"].name,
            "items": items,
            "item_count": n,
            "avg_level": round(sum(i["level"] for i in items) / n, 2) if n else 0,
            "avg_target": round(sum(i["target_level"] for i in items) / n, 2) if n else 0,
            "avg_last_year": round(sum(last) / len(last), 2) if last else None,
            "at_target": sum(1 for i in items if i["at_target"]),
            "no_evidence": sum(1 for i in items if i["missing_evidence"]),
            "no_citizen_input": sum(1 for i in items if i["no_citizen_input"]),
            "strengths": len(entry["strengths"]),
            "ofis": len(entry["ofis"]),
        }
        totals["items"] += n
        totals["at_target"] += summary["at_target"]
        totals["no_evidence"] += summary["no_evidence"]
        totals["no_citizen_input"] += summary["no_citizen_input"]
        rows.append(summary)
    totals["at_target_pct"] = (
        round(100 * totals["at_target"] / totals["items"], 1) if totals["items"] else None
    )
    return {
        "categories": rows,
        "totals": totals,
        "has_last_year": any(r["avg_last_year"] is not None for r in rows),
    }


def item_suggestions(assessment: SelfAssessment, items) -> dict[str, dict]:
    """{item code: suggestion} for items with an evidence source (each source computed once)."""
    sources = [i.evidence_source for i in items if i.evidence_source]
    computed = suggestions_for(
        agency=assessment.agency, fiscal_year=assessment.fiscal_year, sources=sources
    )
    return {i.code: computed[i.evidence_source] for i in items if i.evidence_source in computed}


def comments_of(assessment: SelfAssessment):
    return AssessmentComment.objects.filter(assessment=assessment).select_related("author", "item")


def history_of(assessment: SelfAssessment, limit: int = 50):
    return HistoryEntry.objects.filter(assessment=assessment).select_related("actor")[:limit]


def _finding_dict(finding: Finding) -> dict:
    plan_item = finding.plan_item
    return {
        "id": finding.pk,
        "kind": finding.kind,
        "text": finding.text,
        "item": finding.item.code if finding.item_id else None,
        "plan_item": (
            {
                "id": plan_item.pk,
                "title": plan_item.title,
                "fiscal_year": plan_item.plan.fiscal_year,
                "pmqa_item": plan_item.pmqa_item,
            }
            if plan_item is not None
            else None
        ),
    }


def assessment_payload(assessment: SelfAssessment, structure: list[dict] | None = None) -> dict:
    """Everything about the assessment in criteria order (API JSON, PDF and XLSX)."""
    structure = structure if structure is not None else assessment_structure(assessment)
    return {
        "agency": assessment.agency.slug,
        "agency_name": assessment.agency.name,
        "fiscal_year": assessment.fiscal_year,
        "status": assessment.status,
        "status_label": str(assessment.get_status_display()),
        "criteria": {
            "fiscal_year": assessment.criteria_set.fiscal_year,
            "title": assessment.criteria_set.title,
        },
        "reviewed_at": assessment.reviewed_at,
        "submitted_at": assessment.submitted_at,
        "updated_at": assessment.updated_at,
        "contributors": sorted(u.public_name for u in assessment.contributors.all()),
        "categories": [
            {
                "number": entry["category"].number,
                "name": entry["category"].name,
                "strengths": [_finding_dict(f) for f in entry["strengths"]],
                "ofis": [_finding_dict(f) for f in entry["ofis"]],
                "items": [
                    {
                        "code": it["code"],
                        "name": it["item"].name,
                        "result_code": it["item"].result_code,
                        "level": it["level"],
                        "level_label": it["level_label"],
                        "target_level": it["target_level"],
                        "explanation": it["answer"].explanation,
                        "checklist": [
                            {k: q[k] for k in ("id", "level", "text", "checked")}
                            for q in it["questions"]
                        ],
                        "evidence": [
                            {
                                k: e[k]
                                for k in (
                                    "evidence_id",
                                    "kind",
                                    "title",
                                    "note",
                                    "target_id",
                                    "file_name",
                                    "url",
                                )
                            }
                            for e in it["evidence"]
                        ],
                        "contributors": it["contributors"],
                    }
                    for it in entry["items"]
                ],
            }
            for entry in structure
        ],
    }


def item_by_code(assessment: SelfAssessment, code: str) -> Item:
    item = (
        Item.objects.select_related("category")
        .filter(category__criteria_set_id=assessment.criteria_set_id, code=code)
        .first()
    )
    if item is None:
        raise Http404("ไม่พบประเด็นนี้ในเกณฑ์ (item not found)")
    return item


def plan_item_origins(plan_item_ids) -> dict[int, list[dict]]:
    """{plan_item_id: [origin, ...]}: the self-assessment OFIs that plan items were made from.

    Used by plans (staff plan page, "you said, we did", evidence pack); one query.
    """
    ids = [int(i) for i in plan_item_ids]
    if not ids:
        return {}
    findings = (
        Finding.objects.filter(plan_item_id__in=ids, kind=Finding.Kind.OFI)
        .select_related("assessment__agency", "category", "item")
        .order_by("plan_item_id", "pk")
    )
    result: dict[int, list[dict]] = {}
    for finding in findings:
        assessment = finding.assessment
        result.setdefault(finding.plan_item_id, []).append(
            {
                "kind": "pmqa_ofi",
                "finding_id": finding.pk,
                "assessment_id": assessment.pk,
                "assessment_fiscal_year": assessment.fiscal_year,
                "assessment_url": assessment.get_absolute_url(),
                "category": finding.category.number,
                "category_name": finding.category.name,
                "item_code": finding.item.code if finding.item else "",
                "item_label": finding.item.label if finding.item else "",
                "text": finding.text,
            }
        )
    return result
