from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import selectors
from .models import Agency, Role
from .permissions import has_agency_role
from .ratelimit import RATE_LIMITED


def privacy_notice(request):
    from .services import PRIVACY_NOTICE_VERSION

    return render(request, "portal/privacy.html", {"notice_version": PRIVACY_NOTICE_VERSION})


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
        return JsonResponse({"detail": RATE_LIMITED}, status=429)
    return render(request, "429.html", status=429)


@login_required
def my_data(request):
    """PDPA: what we hold, download it, withdraw optional consents, erase the account."""
    from django.contrib import messages
    from django.contrib.auth import logout
    from django.http import HttpResponse
    from django.shortcuts import redirect

    from . import pdpa
    from .models import ConsentRecord

    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "export":
            import json

            body = json.dumps(pdpa.personal_data_export(user=user), ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="ruamkid-my-data.json"'
            return response
        if action == "withdraw":
            purpose = request.POST.get("purpose", "")
            if purpose in pdpa.OPTIONAL_PURPOSES:
                pdpa.consent_withdraw(user=user, purpose=purpose)
                messages.success(request, _("ถอนความยินยอมแล้ว"))
            return redirect("portal:my_data")
        if action == "grant":
            purpose = request.POST.get("purpose", "")
            if purpose in pdpa.OPTIONAL_PURPOSES:
                from .services import consent_record

                consent_record(user=user, purpose=purpose)
                messages.success(request, _("บันทึกความยินยอมแล้ว"))
            return redirect("portal:my_data")
        if action == "revoke_token":
            from .services import api_token_revoke

            token_id = request.POST.get("token", "")
            if token_id.isdigit() and api_token_revoke(user=user, token_id=int(token_id)):
                messages.success(request, _("ยกเลิกโทเคนแล้ว แอปที่ใช้โทเคนนี้จะเข้าถึงบัญชีไม่ได้อีก"))
            return redirect("portal:my_data")
        if action == "erase":
            if not erase_confirmed(request.POST.get("confirm_text", "")):
                messages.error(
                    request,
                    _("กรุณาพิมพ์คำว่า “%(word)s” เพื่อยืนยัน") % {"word": erase_confirm_word()},
                )
                return redirect("portal:my_data")
            pdpa.account_erase(user=user)
            logout(request)
            messages.success(request, _("ลบบัญชีของคุณแล้ว ข้อเสนอและการโหวตยังคงอยู่แบบไม่ระบุตัวตน"))
            return redirect("/")
    optional = pdpa.optional_consents(user=user)
    consents = ConsentRecord.objects.filter(user=user).order_by("-given_at")[:100]
    return render(
        request,
        "portal/my_data.html",
        {
            "consents": consents,
            "optional_consents": optional,
            "erase_word": erase_confirm_word(),
            "api_tokens": user.portal_api_tokens.order_by("-created_at"),
        },
    )


# The word typed to confirm erasure, in the language the page is shown in. Either word is
# accepted whatever the language (someone may switch language between loading and sending).
ERASE_CONFIRM_WORDS = {"th": "ลบบัญชี", "en": "DELETE"}


def erase_confirm_word() -> str:
    return ERASE_CONFIRM_WORDS.get(get_language() or "th", ERASE_CONFIRM_WORDS["th"])


def erase_confirmed(text: str) -> bool:
    typed = " ".join(text.split()).casefold()
    return typed in {word.casefold() for word in ERASE_CONFIRM_WORDS.values()}
