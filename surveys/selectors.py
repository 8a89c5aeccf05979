"""Reads for surveys: open lists, results (DB aggregates), fiscal-year trends, export rows."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Avg, Count, Q
from django.utils import timezone

from portal.permissions import agencies_with_role
from portal.thai_dates import fiscal_year_datetime_range

from .models import Answer, Question, QuestionKind, SurveyPage, SurveyResponse

RESULT_ROLES = ("moderator", "manager")  # admin implies every role


def _open_q(now) -> Q:
    return (Q(opens_at__isnull=True) | Q(opens_at__lte=now)) & (
        Q(closes_at__isnull=True) | Q(closes_at__gt=now)
    )


def surveys_public():
    return SurveyPage.objects.live().public().select_related("agency")


def open_surveys(*, agency=None):
    """Live, public surveys accepting answers now, newest first."""
    qs = surveys_public().filter(_open_q(timezone.now()))
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("-first_published_at", "-pk")


def survey_list(*, agency=None):
    """Every live public survey (open or not) for the API list, newest first."""
    qs = surveys_public()
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("-first_published_at", "-pk")


def home_open_surveys(request) -> list[dict]:
    return [
        {
            "title": survey.title,
            "url": survey.get_url(request),
            "agency_name": survey.agency.name if survey.agency else "",
        }
        for survey in open_surveys()[:6]
    ]


def staff_surveys(user):
    """Surveys of the agencies where the user may see results, with response counts."""
    agencies = agencies_with_role(user, RESULT_ROLES)
    return (
        SurveyPage.objects.filter(agency__in=agencies)
        .select_related("agency")
        .annotate(response_count=Count("responses"))
        .order_by("agency__name", "-first_published_at", "-pk")
    )


def questions_of(survey: SurveyPage) -> list[Question]:
    return list(survey.questions.all().order_by("sort_order", "pk"))


# --- results -------------------------------------------------------------------------------


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _local_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def period_q(
    *, prefix: str = "", fiscal_year: int | None = None, date_from=None, date_to=None
) -> Q:
    """Filter on `submitted_at`: a BE fiscal year and/or an inclusive local date range."""
    field = f"{prefix}submitted_at"
    q = Q()
    if fiscal_year is not None:
        start, end = fiscal_year_datetime_range(fiscal_year)
        q &= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    # Clamp to a sane range: year 1 or 9999 would overflow when converted to UTC.
    if date_from is not None:
        date_from = min(max(date_from, EARLIEST), LATEST)
        q &= Q(**{f"{field}__gte": _local_day_start(date_from)})
    if date_to is not None:
        date_to = min(max(date_to, EARLIEST), LATEST)
        q &= Q(**{f"{field}__lt": _local_day_start(date_to + dt.timedelta(days=1))})
    return q


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100.0 / whole, 2) if whole else None


def _nps(promoters: int, detractors: int, total: int) -> float | None:
    return round((promoters - detractors) * 100.0 / total, 1) if total else None


def survey_results(survey: SurveyPage, fiscal_year=None, date_from=None, date_to=None) -> dict:
    """Per-question counts, mean, satisfaction % (share of 4–5) and NPS, all DB aggregates.

    The same numbers back the staff results page, the API and the exports.
    """
    questions = questions_of(survey)
    responses = SurveyResponse.objects.filter(survey=survey).filter(
        period_q(fiscal_year=fiscal_year, date_from=date_from, date_to=date_to)
    )
    answers = Answer.objects.filter(response__survey=survey).filter(
        period_q(prefix="response__", fiscal_year=fiscal_year, date_from=date_from, date_to=date_to)
    )
    response_count = responses.count()

    stats = {
        row["question_id"]: row
        for row in answers.values("question_id").annotate(
            answered=Count("response_id", distinct=True),
            mean=Avg("number"),
            satisfied=Count("id", filter=Q(number__gte=4)),
            promoters=Count("id", filter=Q(number__gte=9)),
            detractors=Count("id", filter=Q(number__lte=6)),
        )
    }
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in (
        answers.exclude(question__kind=QuestionKind.TEXT)
        .values("question_id", "number", "choice")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = str(row["number"]) if row["number"] is not None else row["choice"]
        counts[row["question_id"]][key] += row["n"]
    likert_ids = [q.pk for q in questions if q.kind == QuestionKind.LIKERT5]
    overall = {  # one likert answer per response and question, so answered == answer count
        "total": sum(stats[pk]["answered"] for pk in likert_ids if pk in stats),
        "satisfied": sum(stats[pk]["satisfied"] for pk in likert_ids if pk in stats),
    }

    keywords_by_question: dict[int, Counter] = defaultdict(Counter)
    tags_by_question: dict[int, Counter] = defaultdict(Counter)
    tag_labels: dict[str, str] = {}
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    if text_ids:
        for question_id, keywords, tags in answers.filter(question_id__in=text_ids).values_list(
            "question_id", "keywords", "tags"
        ):
            keywords_by_question[question_id].update(keywords or [])
            for tag in tags or []:
                tags_by_question[question_id][tag["slug"]] += 1
                tag_labels[tag["slug"]] = tag.get("label", tag["slug"])

    out_questions = []
    for question in questions:
        row = stats.get(question.pk, {})
        answered = row.get("answered", 0)
        item = {
            "id": question.pk,
            "kind": question.kind,
            "text": question.text,
            "answered": answered,
        }
        if question.kind == QuestionKind.LIKERT5:
            keys = [str(v) for v in range(1, 6)]
        elif question.kind == QuestionKind.NPS:
            keys = [str(v) for v in range(0, 11)]
        elif question.has_choices:
            keys = question.choices
            keys += [k for k in counts[question.pk] if k not in keys]  # renamed choices
        else:
            keys = []
        item["counts"] = {key: counts[question.pk].get(key, 0) for key in keys}
        if question.kind in (QuestionKind.LIKERT5, QuestionKind.NPS):
            mean = row.get("mean")
            item["mean"] = round(float(mean), 2) if mean is not None else None
        if question.kind == QuestionKind.LIKERT5:
            item["satisfaction_pct"] = _pct(row.get("satisfied", 0), answered)
        if question.kind == QuestionKind.NPS:
            item["nps"] = _nps(row.get("promoters", 0), row.get("detractors", 0), answered)
            item["promoters"] = row.get("promoters", 0)
            item["detractors"] = row.get("detractors", 0)
        if question.has_choices:
            item["choices"] = question.choices
        if question.kind == QuestionKind.TEXT:
            item["keywords"] = [w for w, _ in keywords_by_question[question.pk].most_common(15)]
            item["tags"] = [
                {"slug": slug, "label": tag_labels[slug], "count": n}
                for slug, n in tags_by_question[question.pk].most_common()
            ]
        out_questions.append(item)

    return {
        "survey": survey.pk,
        "responses": response_count,
        "satisfaction_pct": _pct(overall["satisfied"], overall["total"]),
        "target_pct": float(survey.target_satisfaction_pct),
        "fiscal_year": fiscal_year,
        "date_from": date_from,
        "date_to": date_to,
        "questions": out_questions,
    }


def satisfaction_by_fiscal_year(*, agency, fiscal_years: list[int], survey=None) -> dict[int, dict]:
    """{BE fiscal year: {"responses", "satisfaction_pct"}} for an agency (or one survey).

    Two aggregate queries whatever the number of years. satisfaction % = share of 4–5
    answers among all likert5 answers submitted in that fiscal year.
    """
    years = sorted(set(int(y) for y in fiscal_years))
    if not years:
        return {}
    responses = SurveyResponse.objects.filter(survey__agency=agency)
    answers = Answer.objects.filter(
        response__survey__agency=agency, question__kind=QuestionKind.LIKERT5
    )
    if survey is not None:
        responses = responses.filter(survey=survey)
        answers = answers.filter(response__survey=survey)
    response_aggs, answer_aggs = {}, {}
    for year in years:
        response_aggs[f"r{year}"] = Count("id", filter=period_q(fiscal_year=year))
        in_year = period_q(prefix="response__", fiscal_year=year)
        answer_aggs[f"t{year}"] = Count("id", filter=in_year)
        answer_aggs[f"s{year}"] = Count("id", filter=in_year & Q(number__gte=4))
    r = responses.aggregate(**response_aggs)
    a = answers.aggregate(**answer_aggs)
    return {
        year: {
            "responses": r[f"r{year}"],
            "satisfaction_pct": _pct(a[f"s{year}"], a[f"t{year}"]),
        }
        for year in years
    }


def text_answers(survey: SurveyPage, fiscal_year=None, date_from=None, date_to=None):
    """Free-text answers (newest first) with their question and tags, for the results page."""
    return (
        Answer.objects.filter(
            response__survey=survey, question__kind=QuestionKind.TEXT, text__gt=""
        )
        .filter(
            period_q(
                prefix="response__",
                fiscal_year=fiscal_year,
                date_from=date_from,
                date_to=date_to,
            )
        )
        .select_related("question", "response", "promoted_idea")
        .order_by("-response__submitted_at", "-pk")
    )


def export_response_values(survey: SurveyPage, fiscal_year=None, date_from=None, date_to=None):
    """(id, submitted_at, user_id) per response, oldest first: flat rows, no model instances."""
    return (
        SurveyResponse.objects.filter(survey=survey)
        .filter(period_q(fiscal_year=fiscal_year, date_from=date_from, date_to=date_to))
        .order_by("submitted_at", "pk")
        .values_list("pk", "submitted_at", "user_id")
    )


def export_answer_values(survey: SurveyPage, fiscal_year=None, date_from=None, date_to=None):
    """(response_id, question_id, number, choice, text) for every answer in the period."""
    return (
        Answer.objects.filter(response__survey=survey)
        .filter(
            period_q(
                prefix="response__", fiscal_year=fiscal_year, date_from=date_from, date_to=date_to
            )
        )
        .order_by("response_id", "pk")
        .values_list("response_id", "question_id", "number", "choice", "text")
    )


def promote_campaigns(survey: SurveyPage) -> list:
    """Idea campaigns of the survey's agency that a survey answer can be promoted into."""
    from ideas.models import IdeaCampaignPage

    return list(
        IdeaCampaignPage.objects.live().filter(agency_id=survey.agency_id).order_by("title")
    )


def answer_for_idea(idea):
    """The survey answer an idea was made from (or None), for "linked back to the survey"."""
    return (
        Answer.objects.filter(promoted_idea=idea)
        .select_related("response__survey", "question")
        .first()
    )
