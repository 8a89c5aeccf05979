"""HTML pages: answer a survey (on its Wagtail page), public list, staff list, results,
exports and the QR poster. Views stay thin: services write, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.honeypot import honeypot_problem
from portal.ratelimit import RATE_LIMITED
from portal.thai_dates import current_fiscal_year

from . import charts, exports, selectors, throttle
from .forms import ResultsFilterForm
from .models import LIKERT_ANCHORS, Answer, QuestionKind, SurveyPage
from .services import SurveyInputError, answer_promote_to_idea, survey_response_submit

LONG_SURVEY = 5  # show a progress indicator from this many questions


def thai_part(message: str) -> str:
    """Our messages are "Thai (English)"; pages show the Thai part only."""
    return message.split(" (")[0] if " (" in message else message


def _answers_from_post(post, questions) -> dict:
    answers = {}
    for question in questions:
        name = f"q_{question.pk}"
        if question.kind == QuestionKind.MULTI:
            answers[str(question.pk)] = post.getlist(name)
        else:
            answers[str(question.pk)] = post.get(name, "")
    return answers


def _question_rows(questions, answers: dict, errors: dict) -> list[dict]:
    rows = []
    for number, question in enumerate(questions, start=1):
        value = answers.get(str(question.pk))
        rows.append(
            {
                "number": number,
                "question": question,
                "value": value,
                "values": value if isinstance(value, list) else [value],
                "error": thai_part(errors.get(str(question.pk), "")),
                "scale": (
                    [(str(v), LIKERT_ANCHORS[v]) for v in range(1, 6)]
                    if question.kind == QuestionKind.LIKERT5
                    else [(str(v), "") for v in range(0, 11)]
                    if question.kind == QuestionKind.NPS
                    else []
                ),
            }
        )
    return rows


def survey_page_serve(page: SurveyPage, request):
    """GET: the one-screen form. POST: validate and save everything or nothing."""
    questions = selectors.questions_of(page)
    user = request.user
    is_user = user.is_authenticated
    answered = False
    if is_user:
        answered = page.responses.filter(user=user).exists()
    elif throttle.already_answered_here(request, page):
        answered = True
    context = {
        "page": page,
        "self": page,
        "is_open": page.is_open,
        "answered": answered,
        "login_needed": not is_user and not page.allow_anonymous,
        "show_progress": len(questions) >= LONG_SURVEY,
        "question_count": len(questions),
        "can_view_results": is_user and user.has_perm("surveys.view_results", page),
        "errors": {},
        "form_error": "",
        "consent_checked": False,
    }
    status = 200
    answers: dict = {}
    if request.method == "POST":
        answers = _answers_from_post(request.POST, questions)
        consent = request.POST.get("consent") == "on"
        context["consent_checked"] = consent
        try:
            if answered:
                raise SurveyInputError("คุณตอบแบบสำรวจนี้แล้ว ขอบคุณค่ะ (already answered)", status=409)
            if (
                not is_user
                and page.allow_anonymous
                and (problem := honeypot_problem(request.POST, "survey"))
            ):
                raise SurveyInputError(problem, status=400)
            if (
                not is_user
                and page.allow_anonymous
                and throttle.anonymous_rate_limited(request, page)
            ):
                raise SurveyInputError(
                    "มีการส่งคำตอบจากเครือข่ายนี้มากเกินไป กรุณาลองใหม่ภายหลัง (rate limited)",
                    status=429,
                )
            if is_user and throttle.user_rate_limited(request):
                raise SurveyInputError(RATE_LIMITED, status=429)
            survey_response_submit(survey=page, user=user, answers=answers, consent=consent)
        except SurveyInputError as exc:
            status = 400 if exc.status == 422 else exc.status
            context["errors"] = exc.errors
            context["form_error"] = thai_part(exc.message)
            context["consent_error"] = thai_part(exc.errors.get("consent", ""))
        else:
            response = TemplateResponse(request, "surveys/survey_thanks.html", context)
            if is_user:
                throttle.count_user_response(request)
            else:
                throttle.mark_answered(request, response, page)
            return response
    context["rows"] = _question_rows(questions, answers, context["errors"])
    return TemplateResponse(request, page.get_template(request), context, status=status)


def survey_index(request):
    """Public list of surveys open now (the shared nav links here)."""
    paginator = Paginator(selectors.open_surveys(), 12)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "surveys/survey_index.html", {"page_obj": page_obj})


@login_required
def staff_index(request):
    """The agency's surveys with response counts and links to results, exports and posters."""
    surveys = list(selectors.staff_surveys(request.user))
    return render(request, "surveys/staff_index.html", {"surveys": surveys})


def _staff_survey(request, pk: int, perm: str = "surveys.view_results") -> SurveyPage:
    if not request.user.is_authenticated:
        raise PermissionDenied
    survey = get_object_or_404(SurveyPage.objects.select_related("agency"), pk=pk)
    if not request.user.has_perm(perm, survey):
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ของหน่วยงานนี้เท่านั้น"))
    return survey


def _chart_for(question: dict) -> dict | None:
    counts = question.get("counts") or {}
    if not counts:
        return None
    if question["kind"] == QuestionKind.LIKERT5:
        items = [(f"{k} {LIKERT_ANCHORS[int(k)]}", v) for k, v in counts.items()]
        return charts.horizontal_bars(items, colours=charts.LIKERT_COLOURS)
    if question["kind"] == QuestionKind.NPS:
        return charts.horizontal_bars(list(counts.items()), colours=charts.NPS_COLOURS)
    return charts.horizontal_bars(list(counts.items()))


@login_required
def results(request, pk: int):
    survey = _staff_survey(request, pk)
    form = ResultsFilterForm(request.GET or None)
    filters = (
        form.filters()
        if form.is_bound
        else {
            "fiscal_year": None,
            "date_from": None,
            "date_to": None,
        }
    )
    data = selectors.survey_results(survey, **filters)
    for question in data["questions"]:
        question["chart"] = _chart_for(question)
        question["chart_id"] = f"chart-{question['id']}"
    base_year = filters["fiscal_year"] or current_fiscal_year()
    years = [base_year - 2, base_year - 1, base_year]
    trend = selectors.satisfaction_by_fiscal_year(
        agency=survey.agency, fiscal_years=years, survey=survey
    )
    target = data["target_pct"]
    trend_rows = [
        {
            "year": year,
            "responses": trend[year]["responses"],
            "satisfaction_pct": trend[year]["satisfaction_pct"],
            "meets_target": (trend[year]["satisfaction_pct"] or 0) >= target,
        }
        for year in years
    ]
    trend_chart = charts.trend_bars(
        [(str(r["year"]), r["satisfaction_pct"]) for r in trend_rows], target=target
    )
    text_page = Paginator(selectors.text_answers(survey, **filters), 20).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    can_promote = request.user.has_perm("surveys.promote_answer", survey)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "form": form,
            "filters": filters,
            "data": data,
            "trend_rows": trend_rows,
            "trend_chart": trend_chart,
            "text_page": text_page,
            "query": query.urlencode(),
            "can_promote": can_promote,
            "campaigns": selectors.promote_campaigns(survey) if can_promote else [],
        },
    )


@login_required
def export(request, pk: int, what: str, fmt: str):
    if what not in exports.EXPORTS or fmt not in exports.FORMATS:
        raise Http404
    survey = _staff_survey(request, pk, "surveys.export_results")
    form = ResultsFilterForm(request.GET or None)
    filters = (
        form.filters()
        if form.is_bound
        else {
            "fiscal_year": None,
            "date_from": None,
            "date_to": None,
        }
    )
    return exports.export_response(survey=survey, what=what, fmt=fmt, actor=request.user, **filters)


@login_required
def qr_code(request, pk: int, fmt: str):
    if fmt not in ("svg", "png"):
        raise Http404
    survey = _staff_survey(request, pk, "surveys.print_poster")
    from .poster import qr_bytes

    content_type = "image/svg+xml" if fmt == "svg" else "image/png"
    response = HttpResponse(qr_bytes(survey, request, fmt), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-qr.{fmt}"'
    return response


@login_required
def poster(request, pk: int):
    survey = _staff_survey(request, pk, "surveys.print_poster")
    from .poster import poster_pdf

    response = HttpResponse(poster_pdf(survey, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-poster.pdf"'
    return response


@login_required
@require_POST
def promote_answer(request, pk: int):
    """Staff turn a free-text answer into an idea (then back to the results page)."""
    answer = get_object_or_404(Answer.objects.select_related("response"), pk=pk)
    survey = _staff_survey(request, answer.response.survey_id, "surveys.promote_answer")
    from ideas.models import IdeaCampaignPage

    campaign = IdeaCampaignPage.objects.filter(
        pk=request.POST.get("campaign") or 0, agency_id=survey.agency_id
    ).first()
    try:
        idea = answer_promote_to_idea(
            answer=answer,
            campaign=campaign,
            actor=request.user,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            personal_data_checked=request.POST.get("checked") == "on",
        )
    except SurveyInputError as exc:
        messages.error(request, thai_part(exc.message))
    else:
        messages.success(request, _("สร้างข้อเสนอ “%(title)s” จากคำตอบแล้ว") % {"title": idea.title})
    back = request.POST.get("next", "")
    if not back.startswith(f"/surveys/{survey.pk}/results/"):
        back = f"/surveys/{survey.pk}/results/"
    return redirect(back + "#answer-" + str(answer.pk))
