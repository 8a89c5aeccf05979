"""HTML pages: public "you said, we did", the staff plans page, linking and the evidence pack."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.services import audit_log
from portal.thai_dates import current_fiscal_year

from . import evidence, selectors, services
from .charts import evidence_charts
from .forms import LinkIdeaForm, LinkTargetForm, ProgressForm
from .models import EvidenceExport, ImprovementPlan, PlanItem

# Above this many ideas in the year, PDF/XLSX are offered as background jobs with progress.
SYNC_MAX_IDEAS = 2000


def plans_index(request):
    return render(
        request,
        "plans/index.html",
        {"groups": selectors.public_plan_index(), "current_fiscal_year": current_fiscal_year()},
    )


def public_plan(request, agency_slug: str, fiscal_year: int):
    plan = selectors.public_plan(agency_slug=agency_slug, fiscal_year=fiscal_year)
    items = list(selectors.public_plan_items(plan))
    return render(
        request,
        "plans/public_plan.html",
        {"plan": plan, "items": items, "progress": selectors.plan_progress(items)},
    )


@login_required
def staff_index(request):
    agencies = list(selectors.managed_agencies(request.user))
    if not agencies:
        raise PermissionDenied("เฉพาะผู้จัดการแผนของหน่วยงาน (managers only)")
    plans = selectors.staff_plans(request.user)
    agency_slug = request.GET.get("agency")
    if agency_slug:
        plans = plans.filter(agency__slug=agency_slug)
        agencies = [a for a in agencies if a.slug == agency_slug] or agencies
    return render(
        request,
        "plans/staff_index.html",
        {
            "plans": plans,
            "agencies": agencies,
            "current_fiscal_year": current_fiscal_year(),
        },
    )


def _managed_plan(request, plan_id: int) -> ImprovementPlan:
    plan = get_object_or_404(ImprovementPlan.objects.select_related("agency"), pk=plan_id)
    if not request.user.has_perm("plans.manage_plan", plan):
        raise PermissionDenied("เฉพาะผู้จัดการแผนของหน่วยงานนี้ (managers of this agency only)")
    return plan


def _managed_item(request, item_id: int) -> PlanItem:
    item = get_object_or_404(PlanItem.objects.select_related("plan", "plan__agency"), pk=item_id)
    if not request.user.has_perm("plans.manage_plan", item.plan):
        raise PermissionDenied("เฉพาะผู้จัดการแผนของหน่วยงานนี้ (managers of this agency only)")
    return item


@login_required
def staff_plan(request, plan_id: int):
    plan = _managed_plan(request, plan_id)
    items = selectors.staff_plan_items(plan)
    for item in items:
        item.progress_form = ProgressForm(instance=item, prefix=f"item{item.pk}")
    return render(
        request,
        "plans/staff_plan.html",
        {
            "plan": plan,
            "items": items,
            "progress": selectors.plan_progress(items),
            "link_form": LinkTargetForm(),
        },
    )


@login_required
@require_POST
def staff_item_progress(request, item_id: int):
    item = _managed_item(request, item_id)
    form = ProgressForm(
        request.POST, instance=PlanItem.objects.get(pk=item.pk), prefix=f"item{item.pk}"
    )
    if form.is_valid():
        services.plan_item_progress_update(
            item=item,
            actor=request.user,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
            actual_outcome=form.cleaned_data["actual_outcome"],
            kpi_actual=form.cleaned_data["kpi_actual"],
        )
        messages.success(request, _("บันทึกความก้าวหน้าแล้ว"))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("บันทึกไม่สำเร็จ: %(errors)s") % {"errors": errors})
    return redirect(reverse("plans:staff_plan", args=[item.plan_id]) + f"#item-{item.pk}")


@login_required
@require_POST
def staff_item_link(request, item_id: int):
    item = _managed_item(request, item_id)
    form = LinkTargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("กรุณาเลือกประเภทและระบุหมายเลขให้ถูกต้อง"))
    else:
        kind, target_id = form.cleaned_data["kind"], form.cleaned_data["target_id"]
        target = services.link_target(kind=kind, target_id=target_id)
        try:
            created = services.plan_item_link(
                item=item, actor=request.user, kind=kind, target=target
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("เชื่อมโยงแล้ว") if created else _("รายการนี้เชื่อมโยงกับแผนอยู่แล้ว"))
    return redirect(reverse("plans:staff_plan", args=[item.plan_id]) + f"#item-{item.pk}")


@login_required
@require_POST
def staff_item_unlink(request, item_id: int, kind: str, target_id: int):
    item = _managed_item(request, item_id)
    if kind not in services.LINK_KINDS:
        raise Http404
    target = services.link_target(kind=kind, target_id=target_id)
    if services.plan_item_unlink(item=item, actor=request.user, kind=kind, target=target):
        messages.success(request, _("ยกเลิกการเชื่อมโยงแล้ว"))
    return redirect(reverse("plans:staff_plan", args=[item.plan_id]) + f"#item-{item.pk}")


def _link_subject(request, kind: str, target_id: int):
    """The idea / workshop / survey being linked, if the user may link it to plans."""
    if kind not in services.LINK_KINDS:
        raise Http404
    target = services.link_target(kind=kind, target_id=target_id)
    if target is None:
        raise Http404
    if not request.user.has_perm("plans.link_to_plan", target):
        raise PermissionDenied("เฉพาะผู้จัดการแผนของหน่วยงานนี้ (managers of this agency only)")
    return target


def _safe_next(request, default: str) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


@login_required
def link_target(request, kind: str, target_id: int):
    """From an idea page, the moderation queue, a workshop console or survey results: link the
    record to one of its agency's plan items, or see and remove the links it has."""
    target = _link_subject(request, kind, target_id)
    candidates = selectors.linkable_plan_items(agency_id=target.agency_id)
    form = LinkIdeaForm(request.POST or None, plan_items=candidates)
    if request.method == "POST" and form.is_valid():
        item = form.cleaned_data["plan_item"]
        try:
            created = services.plan_item_link(
                item=item, actor=request.user, kind=kind, target=target
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("เชื่อมโยงกับแผนพัฒนาแล้ว") if created else _("รายการนี้เชื่อมโยงกับแผนอยู่แล้ว"),
            )
            return redirect(_safe_next(request, selectors.link_subject_url(kind, target)))
    return render(
        request,
        "plans/link_target.html",
        {
            "kind": kind,
            "kind_label": selectors.LINK_KIND_LABELS[kind],
            "target": target,
            "target_url": selectors.link_subject_url(kind, target),
            "form": form,
            "linked": selectors.plan_items_linked_to(kind=kind, target_id=target.pk),
            "has_candidates": candidates.exists(),
            "next": request.GET.get("next", request.POST.get("next", "")),
        },
    )


@login_required
@require_POST
def unlink_target(request, kind: str, target_id: int, item_id: int):
    """Remove one link from the record's side (the plan page has its own unlink buttons)."""
    target = _link_subject(request, kind, target_id)
    item = _managed_item(request, item_id)
    if services.plan_item_unlink(item=item, actor=request.user, kind=kind, target=target):
        messages.success(request, _("ยกเลิกการเชื่อมโยงแล้ว"))
    back = reverse("plans:link", args=[kind, target.pk])
    next_url = request.POST.get("next", "")
    if next_url:
        back += "?" + urlencode({"next": next_url})
    return redirect(back)


def _evidence_agency(request, agency_slug: str, fiscal_year: int):
    agency = selectors.agency_by_slug(agency_slug)
    if not request.user.has_perm("plans.view_evidence", agency):
        raise PermissionDenied("เฉพาะผู้จัดการแผนของหน่วยงานนี้ (managers of this agency only)")
    if not evidence.fiscal_year_ok(fiscal_year):
        raise Http404("ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2570 (fiscal_year must be BE)")
    return agency


@login_required
def evidence_page(request, agency_slug: str, fiscal_year: int):
    """The evidence pack as a page (manager/admin of the agency), with PDF/XLSX/JSON links."""
    agency = _evidence_agency(request, agency_slug, fiscal_year)
    requested = request.GET.get("fiscal_year", "")
    if (
        requested.isdigit()
        and int(requested) != fiscal_year
        and evidence.fiscal_year_ok(int(requested))
    ):
        return redirect("plans:evidence", agency_slug=agency.slug, fiscal_year=int(requested))
    pack = evidence.evidence_pack(agency=agency, fiscal_year=fiscal_year)
    audit_log(
        actor=request.user,
        action="evidence.export",
        target=f"evidence:{agency.slug}:{fiscal_year}",
        agency=agency,
        format="html",
        fiscal_year=fiscal_year,
    )
    base = f"/api/v1/agencies/{agency.slug}/evidence/{fiscal_year}"
    current = current_fiscal_year()
    years = sorted({current + 1, current, current - 1, current - 2, fiscal_year}, reverse=True)
    return render(
        request,
        "plans/evidence.html",
        {
            "pack": pack,
            "charts": evidence_charts(pack),
            "pdf_url": base + ".pdf",
            "xlsx_url": base + ".xlsx",
            "json_url": base + ".json",
            "year_choices": years,
            "large": pack["participation"]["totals"]["ideas"] > SYNC_MAX_IDEAS,
            "exports": EvidenceExport.objects.filter(agency=agency, fiscal_year=fiscal_year)[:5],
        },
    )


@login_required
@require_POST
def evidence_export_start(request, agency_slug: str, fiscal_year: int, fmt: str):
    agency = _evidence_agency(request, agency_slug, fiscal_year)
    if fmt not in EvidenceExport.Format.values:
        raise Http404
    export = services.evidence_export_request(
        agency=agency, fiscal_year=fiscal_year, fmt=fmt, actor=request.user
    )
    return redirect("plans:export_status", export_id=export.pk)


def _export_for(request, export_id: int) -> EvidenceExport:
    export = get_object_or_404(EvidenceExport.objects.select_related("agency"), pk=export_id)
    if not request.user.has_perm("plans.view_evidence", export.agency):
        raise PermissionDenied("เฉพาะผู้จัดการแผนของหน่วยงานนี้ (managers of this agency only)")
    return export


@login_required
def export_status(request, export_id: int):
    """Progress of a background evidence pack; HTMX polls the partial until it is done."""
    export = _export_for(request, export_id)
    template = "plans/_export_status.html" if request.htmx else "plans/export_status.html"
    return render(request, template, {"export": export})


@login_required
def export_download(request, export_id: int):
    export = _export_for(request, export_id)
    if export.status != EvidenceExport.Status.DONE or not export.file:
        raise Http404("ไฟล์ยังไม่พร้อม (not ready)")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"evidence-{export.agency.slug}-{export.fiscal_year}.{export.format}",
    )
