"""Writes for plans: linking citizen input to plan items, progress and its notifications.

Views and the API check `plans.manage_plan` / `plans.link_to_plan` before calling these; the
services check what the data must satisfy (same agency, nothing hidden) and keep the audit log.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.services import audit_log

from .models import PlanItem

PROGRESS_STEP_NOTIFY = 25  # tell linked ideas' authors when progress crosses 25/50/75/100 %
LINK_KINDS = ("idea", "workshop", "survey")

# Idea statuses that follow the plan item when `follow_idea_status` is on.
FOLLOW_FROM = {
    PlanItem.Status.IN_PROGRESS: ("submitted", "under_review", "accepted"),
    PlanItem.Status.COMPLETED: ("submitted", "under_review", "accepted", "in_progress"),
}
FOLLOW_TO = {PlanItem.Status.IN_PROGRESS: "in_progress", PlanItem.Status.COMPLETED: "implemented"}


def _relation(item: PlanItem, kind: str):
    if kind not in LINK_KINDS:
        raise ValidationError("ประเภทการเชื่อมโยงไม่ถูกต้อง (invalid link kind)")
    return {"idea": item.ideas, "workshop": item.workshops, "survey": item.surveys}[kind]


def link_target(*, kind: str, target_id: int):
    """The idea / workshop / survey with that id, or None."""
    if kind == "idea":
        from ideas.models import Idea

        return Idea.objects.select_related("author", "agency").filter(pk=target_id).first()
    if kind == "workshop":
        from workshops.models import Workshop

        return Workshop.objects.filter(pk=target_id).first()
    if kind == "survey":
        from surveys.models import SurveyPage

        return SurveyPage.objects.filter(pk=target_id).first()
    raise ValidationError("ประเภทการเชื่อมโยงไม่ถูกต้อง (invalid link kind)")


def _plan_item_url(item: PlanItem, idea) -> str:
    """Where a notification about the item takes the idea's author: the item on the public
    "you said, we did" page, or the idea itself while the plan is not published (404 there)."""
    if item.plan.is_published:
        return item.plan.get_absolute_url() + f"#item-{item.pk}"
    return idea.get_absolute_url()


def _follow_response(item: PlanItem) -> str:
    if item.status == PlanItem.Status.COMPLETED:
        outcome = item.actual_outcome or item.expected_outcome
        text = f"ข้อเสนอนี้ได้ดำเนินการแล้วในแผนพัฒนาปีงบประมาณ {item.plan.fiscal_year}: {item.title}"
        return f"{text} ผลลัพธ์: {outcome}" if outcome else text
    return f"ข้อเสนอนี้กำลังดำเนินการในแผนพัฒนาปีงบประมาณ {item.plan.fiscal_year}: {item.title}"


def _follow_status(*, item: PlanItem, actor, ideas) -> set[int]:
    """Move linked ideas along with the item; returns the ids of ideas whose status changed."""
    from ideas.services import idea_status_change

    changed: set[int] = set()
    if not item.follow_idea_status or item.status not in FOLLOW_TO:
        return changed
    for idea in ideas:
        if idea.status not in FOLLOW_FROM[item.status]:
            continue
        if not actor.has_perm("ideas.change_status", idea):
            continue
        idea_status_change(
            idea=idea, actor=actor, status=FOLLOW_TO[item.status], response=_follow_response(item)
        )
        changed.add(idea.pk)
    return changed


def _notify_authors(*, item: PlanItem, ideas, text: str, skip: set[int] = frozenset()) -> int:
    from ideas.services import notification_create

    sent, seen = 0, set()
    for idea in ideas:
        if idea.pk in skip or idea.author_id is None or idea.author_id in seen:
            continue
        seen.add(idea.author_id)
        if notification_create(user=idea.author, text=text, url=_plan_item_url(item, idea)):
            sent += 1
    return sent


@transaction.atomic
def plan_item_link(*, item: PlanItem, actor, kind: str, target) -> bool:
    """Link an idea, workshop or survey of the same agency to the item. False if already linked."""
    relation = _relation(item, kind)
    if target is None:
        raise ValidationError("ไม่พบรายการที่จะเชื่อมโยง (target not found)")
    if getattr(target, "agency_id", None) != item.plan.agency_id:
        raise ValidationError(
            "เชื่อมโยงได้เฉพาะข้อมูลของหน่วยงานเดียวกับแผน (target belongs to another agency)"
        )
    if kind == "idea" and target.status == "hidden":
        raise ValidationError("ข้อเสนอที่ถูกซ่อนเชื่อมโยงกับแผนไม่ได้ (hidden idea)")
    if relation.filter(pk=target.pk).exists():
        return False
    relation.add(target)
    audit_log(
        actor=actor,
        action="plan.link",
        target=item,
        agency=item.plan.agency,
        kind=kind,
        target_id=target.pk,
    )
    if kind == "idea":
        changed = _follow_status(item=item, actor=actor, ideas=[target])
        _notify_authors(
            item=item,
            ideas=[target],
            text=f"ข้อเสนอ “{target.title[:80]}” ของคุณถูกนำไปใช้ในแผนพัฒนา: {item.title[:120]}",
            skip=changed,
        )
    return True


@transaction.atomic
def plan_item_unlink(*, item: PlanItem, actor, kind: str, target) -> bool:
    relation = _relation(item, kind)
    if target is None or not relation.filter(pk=target.pk).exists():
        return False
    relation.remove(target)
    audit_log(
        actor=actor,
        action="plan.unlink",
        target=item,
        agency=item.plan.agency,
        kind=kind,
        target_id=target.pk,
    )
    return True


@transaction.atomic
def plan_item_progress_update(
    *,
    item: PlanItem,
    actor,
    status: str,
    progress: int,
    actual_outcome: str | None = None,
    kpi_actual=None,
) -> PlanItem:
    """Record progress (completing means 100 %), then notify and let ideas follow."""
    before = PlanItem.objects.select_for_update().get(pk=item.pk)
    if status == PlanItem.Status.COMPLETED:
        progress = 100
    item.status = status
    item.progress = progress
    if actual_outcome is not None:
        item.actual_outcome = actual_outcome
    if kpi_actual is not None:
        item.kpi_actual = kpi_actual
    item.full_clean()
    item.save()
    audit_log(
        actor=actor,
        action="plan.progress",
        target=item,
        agency=item.plan.agency,
        status=status,
        progress=progress,
    )
    plan_item_after_change(
        item=item, actor=actor, old_status=before.status, old_progress=before.progress
    )
    return item


@transaction.atomic
def plan_item_after_change(*, item: PlanItem, actor, old_status: str, old_progress: int) -> int:
    """Tell linked ideas' authors what changed; returns how many notifications went out.

    A status change (started, completed) always notifies; progress notifies when it crosses a
    25 % step. With `follow_idea_status`, linked ideas move to in_progress / implemented
    (their authors then hear it from the ideas app, with the official response).
    """
    status_changed = item.status != old_status
    crossed = item.progress // PROGRESS_STEP_NOTIFY > old_progress // PROGRESS_STEP_NOTIFY
    if not status_changed and not crossed:
        return 0
    ideas = list(item.ideas.select_related("author", "agency").exclude(status="hidden"))
    if not ideas:
        return 0
    changed = _follow_status(item=item, actor=actor, ideas=ideas) if status_changed else set()
    if item.status == PlanItem.Status.COMPLETED:
        text = f"แผนที่มาจากข้อเสนอของคุณดำเนินการแล้วเสร็จ: {item.title[:120]}"
    else:
        text = f"ความคืบหน้าแผนที่มาจากข้อเสนอของคุณ: {item.title[:120]} ({item.progress}%)"
    return _notify_authors(item=item, ideas=ideas, text=text, skip=changed)


# --- evidence packs in the background ---------------------------------------------------------


def _export_step(export, progress: int, step: str) -> None:
    from .models import EvidenceExport

    EvidenceExport.objects.filter(pk=export.pk).update(progress=progress, step=step)


def evidence_export_request(*, agency, fiscal_year: int, fmt: str, actor):
    """Queue a PDF/XLSX evidence pack; the page polls its progress. Audited like a download."""
    from .evidence import fiscal_year_ok
    from .models import EvidenceExport
    from .tasks import evidence_export_run

    if fmt not in EvidenceExport.Format.values:
        raise ValidationError("รูปแบบไฟล์ไม่ถูกต้อง (invalid format)")
    if not fiscal_year_ok(fiscal_year):
        raise ValidationError("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2570 (fiscal_year must be BE)")
    export = EvidenceExport.objects.create(
        agency=agency, fiscal_year=fiscal_year, format=fmt, requested_by=actor, step="รอคิว"
    )
    audit_log(
        actor=actor,
        action="evidence.export",
        target=f"evidence:{agency.slug}:{fiscal_year}",
        agency=agency,
        format=fmt,
        fiscal_year=fiscal_year,
        background=True,
    )
    transaction.on_commit(lambda: evidence_export_run.enqueue(export.pk))
    return export


def evidence_export_generate(*, export_id: int) -> None:
    """Run by the task: build the pack, render it, store the file; progress along the way."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from . import evidence, exports
    from .models import EvidenceExport

    export = EvidenceExport.objects.select_related("agency").filter(pk=export_id).first()
    if export is None or export.status == EvidenceExport.Status.DONE:
        return
    EvidenceExport.objects.filter(pk=export.pk).update(status=EvidenceExport.Status.RUNNING)
    try:
        _export_step(export, 10, "กำลังนับข้อมูลการมีส่วนร่วม")
        pack = evidence.evidence_pack(agency=export.agency, fiscal_year=export.fiscal_year)
        _export_step(export, 50, "กำลังจัดทำไฟล์")
        if export.format == EvidenceExport.Format.PDF:
            content = exports.evidence_pdf(pack)
        else:
            rows = evidence.xlsx_rows(agency=export.agency, fiscal_year=export.fiscal_year)
            content = exports.evidence_xlsx(pack, rows)
        _export_step(export, 90, "กำลังบันทึกไฟล์")
        export.refresh_from_db()
        export.file.save(exports.evidence_filename(pack, export.format), ContentFile(content))
        export.status = EvidenceExport.Status.DONE
        export.progress = 100
        export.step = "เสร็จแล้ว"
        export.finished_at = timezone.now()
        export.save()
    except Exception as exc:  # recorded for the manager; the task itself then fails too
        EvidenceExport.objects.filter(pk=export.pk).update(
            status=EvidenceExport.Status.FAILED, error=str(exc)[:2000], step="ไม่สำเร็จ"
        )
        raise
    # Older files of the same agency-year-format beyond the retention rule go now.
    evidence_exports_prune(
        agency_id=export.agency_id, fiscal_year=export.fiscal_year, fmt=export.format
    )


# How many finished files of one agency-year-format are kept, and how long any file is kept.
EXPORT_KEEP_LATEST = 3
EXPORT_MAX_AGE_DAYS = 30


def evidence_exports_prune(
    *,
    keep: int = EXPORT_KEEP_LATEST,
    max_age_days: int = EXPORT_MAX_AGE_DAYS,
    agency_id: int | None = None,
    fiscal_year: int | None = None,
    fmt: str | None = None,
    now=None,
) -> int:
    """Delete old background evidence files (the file and its row); returns how many went.

    Kept: the newest `keep` finished exports of each agency × fiscal year × format, unless
    older than `max_age_days` (the numbers move on; a fresh pack is one click away).
    Deleted: the other finished exports, failed ones, and queued/running ones older than
    `max_age_days` (stuck). The newest finished export is kept even when old, so a manager
    always finds the last file they made. `agency_id`/`fiscal_year`/`fmt` narrow the run
    (after each export only its own agency-year-format is pruned).
    """
    import datetime as dt

    from django.utils import timezone

    from .models import EvidenceExport

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=max_age_days)
    exports = EvidenceExport.objects.all()
    if agency_id is not None:
        exports = exports.filter(agency_id=agency_id)
    if fiscal_year is not None:
        exports = exports.filter(fiscal_year=fiscal_year)
    if fmt is not None:
        exports = exports.filter(format=fmt)
    status = EvidenceExport.Status
    doomed = []
    seen: dict[tuple, int] = {}
    for export in exports.order_by("-created_at", "-pk").only(
        "pk", "agency_id", "fiscal_year", "format", "status", "file", "created_at"
    ):
        key = (export.agency_id, export.fiscal_year, export.format)
        if export.status == status.DONE:
            rank = seen.get(key, 0)
            seen[key] = rank + 1
            if rank == 0:
                continue  # the newest finished file always stays
            if rank < keep and export.created_at >= cutoff:
                continue
            doomed.append(export)
        elif export.status == status.FAILED or export.created_at < cutoff:
            doomed.append(export)
    for export in doomed:
        if export.file:
            export.file.delete(save=False)
    EvidenceExport.objects.filter(pk__in=[e.pk for e in doomed]).delete()
    return len(doomed)
