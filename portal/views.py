from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Agency, Role
from .permissions import has_agency_role


def privacy_notice(request):
    return render(request, "portal/privacy.html")


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "ไม่พบปลายทาง API นี้ (no such API endpoint)"}, status=404)


@login_required
def staff_dashboard(request):
    memberships = selectors.staff_agencies(request.user)
    if not memberships:
        raise PermissionDenied("หน้านี้สำหรับเจ้าหน้าที่ของหน่วยงาน")
    return render(request, "portal/staff_dashboard.html", {"agency_roles": memberships})


@login_required
def audit_log(request, slug: str):
    agency = get_object_or_404(Agency, slug=slug)
    if not has_agency_role(request.user, agency, [Role.ADMIN]):
        raise PermissionDenied("ดูบันทึกการตรวจสอบได้เฉพาะผู้ดูแลระบบของหน่วยงาน")
    entries = selectors.audit_entries(agency=agency, action=request.GET.get("action") or None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit_log.html",
        {"agency": agency, "page_obj": page, "actions": selectors.audit_actions(agency=agency)},
    )


def rate_limited(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "ทำรายการถี่เกินไป กรุณารอสักครู่แล้วลองใหม่ (rate limit exceeded)"}, status=429
        )
    return render(request, "429.html", status=429)
