"""HTML pages for ideas (thin: forms → services, reads → selectors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.ratelimit import limit_posts
from portal.templatetags.thai import thai_date

from . import cache as listing_cache
from . import selectors, services
from .forms import CommentForm, IdeaEditForm, IdeaForm, StatusForm, TagsForm
from .models import Comment, Idea, IdeaCampaignPage, IdeaStatus
from .services import IdeaError, IdeaNotFound

PAGE_SIZE = 20
SORT_CHOICES = [
    ("-votes", gettext_lazy("โหวตมากที่สุด")),
    ("-created", gettext_lazy("ใหม่ล่าสุด")),
    ("created", gettext_lazy("เก่าที่สุด")),
]


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


EXCERPT_CHARS = 220


def idea_cards(ideas) -> list[dict]:
    """What each listing card shows, worked out once per page in Python.

    The card template only prints these values (autoescaped): resolving a model's
    ``get_status_display`` (it hashes every lazy choice label), ``{% url %}``, the date filter
    and a plural ``blocktranslate`` for each of 20 cards in the template cost more than the
    rest of the page together.
    """
    status_labels = {value: str(label) for value, label in IdeaStatus.choices}
    url_for = selectors.idea_url_maker()
    cards = []
    for idea in ideas:
        comments = idea.comment_count
        cards.append(
            {
                "id": idea.pk,
                "url": url_for(idea.pk),
                "title": idea.title,
                "author": idea.author_name,
                "date": thai_date(idea.created_at),
                "comments": ngettext("%(counter)s ความคิดเห็น", "%(counter)s ความคิดเห็น", comments)
                % {"counter": comments},
                "status": idea.status,
                "status_label": status_labels.get(idea.status, idea.status),
                "tags": [t.tag.label for t in idea.tag_list],
                "excerpt": Truncator(idea.body).chars(EXCERPT_CHARS),
                "vote_count": idea.vote_count,
            }
        )
    return cards


def campaign_listing_context(request, campaign: IdeaCampaignPage) -> dict:
    """Listing on the campaign page: sort, tag/status filters, Thai search, pagination.

    The listing is rendered to ``listing_html`` without the request (so it cannot carry anything
    of the visitor's); anonymous visitors share a cached copy (``ideas.cache``).
    """
    ordering = request.GET.get("sort") or "-votes"
    if ordering not in dict(SORT_CHOICES):
        ordering = "-votes"
    status = request.GET.get("status") or ""
    if status not in IdeaStatus.values or status == IdeaStatus.HIDDEN:
        status = ""
    tag = (request.GET.get("tag") or "").strip()[:64]
    q = (request.GET.get("q") or "").strip()[:200]
    page_number = _page_number(request)
    params = request.GET.copy()
    params.pop("page", None)
    query_string = params.urlencode()
    context = {"can_submit": campaign.is_open}
    cache_key = None
    if listing_cache.enabled() and listing_cache.is_anonymous(request):
        cache_key = listing_cache.key(
            "page",
            campaign_id=campaign.pk,
            parts={"sort": ordering, "status": status, "tag": tag, "q": q,
                   "page": page_number, "qs": query_string},
        )  # fmt: skip
        html = listing_cache.get(cache_key)
        if html is not None:
            return {**context, "listing_html": mark_safe(html)}  # noqa: S308 - rendered below
    ideas = selectors.idea_list(
        campaign=campaign,
        tag=tag or None,
        status=status or None,
        q=q or None,
        ordering=ordering,
        lean=True,
    )
    paginator = Paginator(ideas, PAGE_SIZE)
    page_obj = paginator.get_page(page_number)
    html = render_to_string(
        "ideas/_campaign_listing.html",
        {
            "page_obj": page_obj,
            "ideas": idea_cards(selectors.attach_tags(list(page_obj.object_list))),
            "sort": ordering,
            "sort_choices": SORT_CHOICES,
            "status": status,
            "status_choices": [c for c in IdeaStatus.choices if c[0] != IdeaStatus.HIDDEN],
            "tag": tag,
            "campaign_tags": list(campaign.tags.all()),
            "q": q,
            "query_string": query_string,
            "total_ideas": paginator.count,
            "page_url": campaign.url,
        },
    )
    if cache_key is not None:
        listing_cache.put(cache_key, html)
    return {**context, "listing_html": mark_safe(html)}  # noqa: S308 - autoescaped template


def _idea_or_404(request, pk: int) -> Idea:
    idea = selectors.idea_detail(pk=pk, viewer=request.user)
    if idea is None or not request.user.has_perm("ideas.view_idea", idea):
        raise Http404
    return idea


def _tag_choices(idea: Idea):
    from nlp.models import Tag

    tags = Tag.objects.filter(Q(agency_id=idea.agency_id) | Q(agency__isnull=True), is_active=True)
    seen = {}
    for tag in tags.order_by("agency_id"):
        if tag.slug not in seen or tag.agency_id is not None:
            seen[tag.slug] = tag.label
    return sorted(seen.items(), key=lambda item: item[1])


@require_GET
def idea_detail(request, pk: int):
    idea = _idea_or_404(request, pk)
    is_staff = request.user.has_perm("ideas.change_status", idea)
    plan_items = selectors.plan_items_map([idea.pk]).get(idea.pk, [])
    context = {
        "idea": idea,
        "campaign": idea.campaign,
        "comments": selectors.idea_comments(idea=idea),
        "timeline": selectors.idea_timeline(idea=idea),
        "plan_items": plan_items,
        "share_url": request.build_absolute_uri(idea.get_absolute_url()),
        "comment_form": CommentForm(),
        "can_edit": request.user.has_perm("ideas.change_idea", idea),
        "is_idea_staff": is_staff,
        "support_threshold": idea.campaign.support_threshold,
    }
    if is_staff:
        context["status_form"] = StatusForm(initial={"status": idea.status})
        context["tags_form"] = TagsForm(
            tag_choices=_tag_choices(idea),
            initial={"tags": [t.tag.slug for t in idea.tag_list]},
        )
    return render(request, "ideas/idea_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("idea_submit")
def idea_submit(request, campaign_id: int):
    campaign = get_object_or_404(IdeaCampaignPage.objects.live().public(), pk=campaign_id)
    form = IdeaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_create(
                campaign=campaign,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                consent=form.cleaned_data["consent"],
                image=form.cleaned_data.get("image"),
            )
        except IdeaError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("ส่งข้อเสนอเรียบร้อยแล้ว ขอบคุณที่ร่วมคิด"))
            return redirect(idea.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ideas/idea_form.html",
        {"form": form, "campaign": campaign, "is_open": campaign.is_open},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("idea_update")
def idea_edit(request, pk: int):
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.change_idea", idea):
        raise PermissionDenied(_("แก้ไขได้เฉพาะผู้เสนอ ขณะที่ข้อเสนอยังรอพิจารณา"))
    form = IdeaEditForm(request.POST or None, initial={"title": idea.title, "body": idea.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_update(
                idea=idea,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except IdeaError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "ideas/idea_edit.html",
        {"form": form, "idea": idea},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@limit_posts("vote")
def idea_vote(request, pk: int):
    idea = _idea_or_404(request, pk)
    error, count = None, None
    if not request.user.is_authenticated:
        error = _("กรุณาเข้าสู่ระบบก่อนโหวต")
        voted = False
    else:
        try:
            if request.POST.get("action") == "unvote":
                voted, count = services.vote_retract(idea=idea, user=request.user)
            else:
                voted, count = services.vote_cast(idea=idea, user=request.user)
        except IdeaNotFound:
            raise Http404 from None
        except IdeaError as exc:
            error = exc.message
            voted = bool(getattr(idea, "viewer_voted", False))
    if count is not None:
        idea.vote_count = count
    else:
        try:
            idea.refresh_from_db(fields=["vote_count"])
        except Idea.DoesNotExist:
            raise Http404 from None
    if _is_htmx(request):
        return render(
            request,
            "ideas/_vote.html",
            {"idea": idea, "voted": voted, "vote_error": error, "campaign": idea.campaign},
        )
    if error:
        messages.error(request, error)
    return redirect(idea.get_absolute_url())


@login_required
@require_POST
@limit_posts("comment")
def comment_create(request, pk: int):
    idea = _idea_or_404(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id, idea=idea).first()
            if parent is None:
                return HttpResponseBadRequest(_("ไม่พบความคิดเห็นที่ตอบกลับ"))
        try:
            comment = services.comment_create(
                idea=idea, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except IdeaError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("แสดงความคิดเห็นแล้ว"))
            return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(f"{idea.get_absolute_url()}#comments")


def _comment_or_404(request, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("idea", "author"), pk=pk)
    if not request.user.has_perm("ideas.view_idea", comment.idea):
        raise Http404
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _comment_or_404(request, pk)
    if not comment.is_visible or not request.user.has_perm("ideas.change_comment", comment):
        raise PermissionDenied(_("แก้ไขได้เฉพาะความคิดเห็นของตนภายใน 15 นาที"))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(
                comment=comment, actor=request.user, body=form.cleaned_data["body"]
            )
        except IdeaError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("แก้ไขความคิดเห็นแล้ว"))
            return redirect(f"{comment.idea.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "ideas/comment_edit.html", {"form": form, "comment": comment})


@login_required
@require_POST
def comment_delete(request, pk: int):
    comment = _comment_or_404(request, pk)
    try:
        services.comment_delete(comment=comment, actor=request.user)
    except IdeaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("ลบความคิดเห็นแล้ว"))
    return redirect(f"{comment.idea.get_absolute_url()}#comments")


@login_required
@require_POST
@limit_posts("comment_flag")
def comment_flag(request, pk: int):
    comment = _comment_or_404(request, pk)
    try:
        created = services.comment_flag(
            comment=comment, user=request.user, reason=request.POST.get("reason", "")
        )
    except IdeaError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("รายงานความคิดเห็นแล้ว ผู้ดูแลจะตรวจสอบ") if created else _("คุณรายงานความคิดเห็นนี้ไปแล้ว"),
        )
    return redirect(f"{comment.idea.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_POST
def idea_status(request, pk: int):
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.change_status", idea):
        raise PermissionDenied(_("เฉพาะผู้ดูแลหรือผู้จัดการของหน่วยงานนี้"))
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.idea_status_change(
                idea=idea,
                actor=request.user,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                duplicate_of=form.cleaned_data.get("duplicate_of"),
            )
        except IdeaError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("เปลี่ยนสถานะและแจ้งผู้เสนอแล้ว"))
    else:
        messages.error(request, _("ข้อมูลสถานะไม่ถูกต้อง"))
    return redirect(f"{idea.get_absolute_url()}#timeline")


@login_required
@require_POST
def idea_tags(request, pk: int):
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.set_tags", idea):
        raise PermissionDenied(_("เฉพาะผู้ดูแลหรือผู้จัดการของหน่วยงานนี้"))
    form = TagsForm(request.POST, tag_choices=_tag_choices(idea))
    if form.is_valid():
        try:
            services.idea_tags_set(idea=idea, actor=request.user, slugs=form.cleaned_data["tags"])
        except IdeaError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("บันทึกแท็กแล้ว (ผู้ดูแลยืนยัน)"))
    else:
        messages.error(request, _("แท็กไม่ถูกต้อง"))
    return redirect(idea.get_absolute_url())


@require_GET
@limit_posts("similar_lookup", methods=("GET",))
def similar_panel(request):
    """HTMX panel on the submit form: ideas like the one being typed."""
    title = (request.GET.get("title") or "")[:200]
    body = (request.GET.get("body") or "")[:5000]
    campaign = request.GET.get("campaign")
    results = []
    text = f"{title} {body}".strip()
    if len(text) >= 10:
        results = selectors.similar_ideas(
            text=text, campaign_id=int(campaign) if campaign and campaign.isdigit() else None
        )
    return render(request, "ideas/_similar.html", {"similar": results})


@login_required
@require_GET
def my_ideas(request):
    ideas = selectors.idea_list(author=request.user, include_hidden=True, ordering="-created")
    page_obj = Paginator(ideas, PAGE_SIZE).get_page(_page_number(request))
    return render(request, "ideas/my_ideas.html", {"page_obj": page_obj, "ideas": page_obj})


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        count = services.notifications_mark_read(user=request.user, ids=ids or None)
        if count:
            messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว"))
        return redirect(reverse("ideas:notifications"))
    page_obj = Paginator(selectors.user_notifications(request.user), 30).get_page(
        _page_number(request)
    )
    return render(
        request,
        "ideas/notifications.html",
        {
            "page_obj": page_obj,
            "notifications": page_obj,
            "unread": selectors.unread_notification_count(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation(request):
    agencies = list(selectors.moderation_agencies(request.user))
    if not agencies:
        raise PermissionDenied(_("หน้านี้สำหรับผู้ดูแลเนื้อหาของหน่วยงาน"))
    agency_ids = [a.pk for a in agencies]
    selected = request.GET.get("agency") or request.POST.get("agency") or ""
    if selected:
        chosen = [a.pk for a in agencies if a.slug == selected]
        if not chosen:
            raise PermissionDenied(_("คุณไม่ได้เป็นผู้ดูแลของหน่วยงานนี้"))
        agency_ids = chosen
    if request.method == "POST":
        _moderation_post(request, agency_ids)
        return redirect(f"{reverse('ideas:moderation')}?agency={selected}")
    new_ideas = selectors.moderation_new_ideas(agency_ids=agency_ids)
    page_obj = Paginator(new_ideas, 50).get_page(_page_number(request))
    return render(
        request,
        "ideas/moderation.html",
        {
            "agencies": agencies,
            "selected": selected,
            "page_obj": page_obj,
            "new_ideas": page_obj,
            "flagged": list(selectors.moderation_flagged_comments(agency_ids=agency_ids)[:50]),
            "duplicates": selectors.moderation_duplicate_candidates(
                ideas=list(page_obj.object_list)
            ),
            "merge_response": MERGE_RESPONSE,
        },
    )


MERGE_RESPONSE = gettext_lazy(
    "ข้อเสนอนี้ซ้ำกับข้อเสนอที่มีอยู่แล้ว เราได้รวมไว้ที่ข้อเสนอนั้น ร่วมโหวตและติดตามความคืบหน้าได้ที่นั่น"
)


def _moderation_merge(request, agency_ids: list[int]) -> None:
    """Queue "merge": mark a new idea as a duplicate of the candidate the moderator chose."""
    idea = Idea.objects.filter(
        pk=_int_or_zero(request.POST.get("idea")), agency_id__in=agency_ids
    ).first()
    if idea is None:
        messages.error(request, _("ไม่พบข้อเสนอ"))
        return
    try:
        services.idea_status_change(
            idea=idea,
            actor=request.user,
            status=IdeaStatus.DUPLICATE,
            response=request.POST.get("response", ""),
            duplicate_of=_int_or_zero(request.POST.get("duplicate_of")),
        )
    except IdeaError as error:
        messages.error(request, f"{idea.title}: {error.message}")
        return
    messages.success(request, _("รวมข้อเสนอ “%(title)s” เป็นข้อเสนอซ้ำแล้ว") % {"title": idea.title})


def _int_or_zero(value) -> int:
    return int(value) if value and str(value).isdigit() else 0


def _moderation_post(request, agency_ids: list[int]) -> None:
    action = request.POST.get("action")
    if action in ("hide", "approve"):
        ids = [int(i) for i in request.POST.getlist("idea") if i.isdigit()]
        ideas = Idea.objects.filter(pk__in=ids, agency_id__in=agency_ids)
        done = 0
        for idea in ideas:
            try:
                if action == "hide":
                    services.idea_status_change(
                        idea=idea,
                        actor=request.user,
                        status=IdeaStatus.HIDDEN,
                        response=request.POST.get("reason", ""),
                    )
                else:
                    services.idea_mark_reviewed(idea=idea, actor=request.user)
                done += 1
            except IdeaError as error:
                messages.error(request, f"{idea.title}: {error.message}")
        if done:
            text = _("ซ่อนแล้ว %(n)s ข้อเสนอ") if action == "hide" else _("อนุมัติแล้ว %(n)s ข้อเสนอ")
            messages.success(request, text % {"n": done})
        elif not ids:
            messages.error(request, _("กรุณาเลือกข้อเสนออย่างน้อยหนึ่งรายการ"))
    elif action == "merge":
        _moderation_merge(request, agency_ids)
    elif action in ("hide_comment", "dismiss_flags"):
        comment = Comment.objects.filter(
            pk=_int_or_zero(request.POST.get("comment")), idea__agency_id__in=agency_ids
        ).first()
        if comment is None:
            messages.error(request, _("ไม่พบความคิดเห็น"))
            return
        try:
            if action == "hide_comment":
                services.comment_hide(comment=comment, actor=request.user)
                messages.success(request, _("ซ่อนความคิดเห็นแล้ว"))
            else:
                services.comment_flags_dismiss(comment=comment, actor=request.user)
                messages.success(request, _("ยกเลิกรายงานแล้ว ความคิดเห็นยังแสดงอยู่"))
        except IdeaError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
