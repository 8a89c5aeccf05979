import segno
from channels.layers import get_channel_layer
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import agencies_with_role
from portal.selectors import channel_layer_available

from . import selectors, services
from .forms import JoinForm, WorkshopForm
from .models import Workshop


def _visible_workshop(request, code: str) -> tuple[Workshop, bool]:
    workshop = selectors.workshop_by_code(code)
    if workshop is None:
        raise Http404(_("ไม่พบเวิร์กช็อป"))
    facilitator = services.is_facilitator(request.user, workshop)
    if not workshop.is_public and not facilitator:
        raise Http404(_("ไม่พบเวิร์กช็อป"))
    return workshop, facilitator


def workshop_list(request):
    groups = selectors.public_workshops_by_status()
    finished = Paginator(groups["finished"], 12).get_page(request.GET.get("page"))
    return render(
        request,
        "workshops/list.html",
        {
            "live": list(groups["live"][:50]),
            "upcoming": list(groups["upcoming"][:50]),
            "finished": finished,
            "join_form": JoinForm(),
        },
    )


def workshop_join(request):
    form = JoinForm(request.GET or None)
    if form.is_valid():
        workshop = selectors.workshop_by_code(form.cleaned_data["code"])
        if workshop is not None and workshop.is_public:
            return redirect(workshop)
        form.add_error("code", _("ไม่พบเวิร์กช็อปที่ใช้รหัสนี้ กรุณาตรวจสอบอีกครั้ง"))
    return render(request, "workshops/join.html", {"form": form})


def workshop_board(request, code: str):
    workshop, facilitator = _visible_workshop(request, code)
    live_available = channel_layer_available(get_channel_layer(), timeout=3.0)
    campaigns = []
    if facilitator:
        from ideas.selectors import campaign_list

        campaigns = [
            {"id": c.pk, "title": c.title} for c in campaign_list(agency=workshop.agency.slug)
        ]
    return render(
        request,
        "workshops/board.html",
        {
            "workshop": workshop,
            "facilitator": facilitator,
            "campaigns": campaigns,
            "live_available": live_available,
            "needs_login": not workshop.allow_anonymous and not request.user.is_authenticated,
            "join_url": request.build_absolute_uri(workshop.get_absolute_url()),
        },
    )


def workshop_qr(request, code: str):
    workshop, _facilitator = _visible_workshop(request, code)
    qr = segno.make(request.build_absolute_uri(workshop.get_absolute_url()), error="m")
    response = HttpResponse(
        qr.svg_inline(scale=6, border=2, title=workshop.code), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _console_agencies(request):
    agencies = agencies_with_role(request.user, services.FACILITATOR_ROLES)
    if not agencies.exists():
        raise PermissionDenied(_("หน้านี้สำหรับกระบวนกรหรือผู้จัดการของหน่วยงาน"))
    return agencies


@login_required
def console(request):
    agencies = _console_agencies(request)
    form = WorkshopForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not request.user.has_perm("workshops.create", data["agency"]):
            raise PermissionDenied
        workshop = services.workshop_create(
            agency=data["agency"],
            created_by=request.user,
            title=data["title"],
            challenge=data["challenge"],
            phases=data["phases_text"],
            dot_votes_per_person=data["dot_votes_per_person"],
            allow_anonymous=data["allow_anonymous"],
            scheduled_at=data["scheduled_at"],
            status=data["status"],
        )
        messages.success(request, _("สร้างเวิร์กช็อปแล้ว รหัสเข้าร่วม %(code)s") % {"code": workshop.code})
        return redirect("workshops:console_detail", code=workshop.code)
    page = Paginator(selectors.console_workshops(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "workshops/console.html", {"form": form, "page": page})


@login_required
def console_detail(request, code: str):
    workshop = selectors.workshop_by_code(code)
    if workshop is None or not request.user.has_perm("workshops.facilitate", workshop):
        raise Http404(_("ไม่พบเวิร์กช็อป"))
    return render(
        request,
        "workshops/console_detail.html",
        {
            "workshop": workshop,
            "outputs": selectors.workshop_outputs(workshop),
            "join_url": request.build_absolute_uri(workshop.get_absolute_url()),
            "statuses": Workshop.Status.choices,
        },
    )


@login_required
@require_POST
def console_status(request, code: str):
    workshop = selectors.workshop_by_code(code)
    if workshop is None or not request.user.has_perm("workshops.facilitate", workshop):
        raise Http404(_("ไม่พบเวิร์กช็อป"))
    status = request.POST.get("status", "")
    if status not in Workshop.Status.values:
        messages.error(request, _("สถานะไม่ถูกต้อง"))
    else:
        services.workshop_set_status(workshop=workshop, user=request.user, status=status)
        messages.success(request, _("เปลี่ยนสถานะเวิร์กช็อปแล้ว"))
    return redirect("workshops:console_detail", code=workshop.code)
