"""Surveys bench: results computed with DB aggregates vs. reading every answer into Python.

    .venv/bin/python bench/surveys_bench.py [--responses 20000]           # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/surveys_bench .venv/bin/python bench/surveys_bench.py

Loads (once, idempotent) one survey with 9 questions and N responses spread over fiscal years
2568–2570 (bulk inserts), then times, in the same run:
  baseline      SELECT COUNT(*) of the survey's responses (the bare floor)
  results       surveys.selectors.survey_results (all years, then one fiscal year)
  trend         surveys.selectors.satisfaction_by_fiscal_year for three years
  naive         the same satisfaction % by loading every Likert answer into Python
  export_csv    the per-response CSV export
  submit        survey_response_submit (validation + answers + consent + Thai NLP) per response
and prints each as milliseconds and as a ratio to the baseline.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/surveys_bench.sqlite3")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

SLUG = "bench-survey-agency"


def load(n: int):
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from cms.services import agency_page_ensure, home_page_ensure
    from portal.models import Agency
    from portal.thai_dates import fiscal_year_datetime_range
    from surveys.demo import HOSPITAL_COMMENTS, HOSPITAL_QUESTIONS, survey_ensure
    from surveys.models import Answer, QuestionKind, SurveyResponse

    home_page_ensure()
    agency, _ = Agency.objects.get_or_create(slug=SLUG, defaults={"name": "โรงพยาบาลทดสอบ"})
    survey = survey_ensure(
        parent=agency_page_ensure(agency=agency),
        title="แบบสำรวจทดสอบสมรรถนะ",
        slug="bench",
        questions=HOSPITAL_QUESTIONS,
        opens_at=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
    )
    have = survey.responses.count()
    if have >= n:
        return survey
    rng = random.Random(1)
    questions = list(survey.questions.all())
    now = timezone.now()
    with transaction.atomic():
        for start_index in range(have, n, 2000):
            batch = []
            for i in range(start_index, min(n, start_index + 2000)):
                year = (2568, 2569, 2570)[i % 3]
                start, end = fiscal_year_datetime_range(year)
                end = min(end, now)
                moment = start + (end - start) * rng.random()
                batch.append(SurveyResponse(survey=survey, submitted_at=moment))
            SurveyResponse.objects.bulk_create(batch)
            answers = []
            for response in batch:
                for q in questions:
                    if q.kind == QuestionKind.LIKERT5:
                        answers.append(
                            Answer(response=response, question=q, number=rng.randint(1, 5))
                        )
                    elif q.kind == QuestionKind.NPS:
                        answers.append(
                            Answer(response=response, question=q, number=rng.randint(0, 10))
                        )
                    elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
                        answers.append(
                            Answer(response=response, question=q, choice=rng.choice(q.choices))
                        )
                    elif rng.random() < 0.3:
                        answers.append(
                            Answer(
                                response=response,
                                question=q,
                                text=rng.choice(HOSPITAL_COMMENTS),
                                keywords=["คิว", "รอ"],
                            )
                        )
            Answer.objects.bulk_create(answers, batch_size=5000)
    return survey


def timed(fn, repeat: int = 5) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=20000)
    parser.add_argument("--submits", type=int, default=100)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from surveys import exports, selectors
    from surveys.models import Answer, QuestionKind, SurveyResponse
    from surveys.services import survey_response_submit

    survey = load(args.responses)
    n_answers = Answer.objects.filter(response__survey=survey).count()

    def baseline():
        SurveyResponse.objects.filter(survey=survey).count()

    def naive():
        values = list(
            Answer.objects.filter(
                response__survey=survey, question__kind=QuestionKind.LIKERT5
            ).values_list("number", flat=True)
        )
        return sum(1 for v in values if v >= 4) * 100 / len(values)

    results = {
        "baseline": timed(baseline),
        "results_all": timed(lambda: selectors.survey_results(survey)),
        "results_fy2570": timed(lambda: selectors.survey_results(survey, fiscal_year=2570)),
        "trend_3_years": timed(
            lambda: selectors.satisfaction_by_fiscal_year(
                agency=survey.agency, fiscal_years=[2568, 2569, 2570], survey=survey
            )
        ),
        "naive_python_satisfaction": timed(naive),
        "export_csv": timed(
            lambda: exports.response_rows(survey, fiscal_year=None, date_from=None, date_to=None),
            repeat=1,
        ),
    }
    agg = selectors.survey_results(survey)["satisfaction_pct"]
    assert abs(agg - round(naive(), 2)) < 0.01, (agg, naive())

    questions = list(survey.questions.all())
    rng = random.Random(2)
    durations = []
    for _ in range(args.submits):
        answers = {}
        for q in questions:
            if q.kind == QuestionKind.LIKERT5:
                answers[str(q.pk)] = rng.randint(1, 5)
            elif q.kind == QuestionKind.NPS:
                answers[str(q.pk)] = rng.randint(0, 10)
            elif q.kind == QuestionKind.SINGLE:
                answers[str(q.pk)] = q.choices[0]
            elif q.kind == QuestionKind.MULTI:
                answers[str(q.pk)] = q.choices[:2]
            else:
                answers[str(q.pk)] = "รอคิวนานมาก อยากให้มีระบบคิวออนไลน์แจ้งเตือนทางมือถือ"
        start = time.perf_counter()
        survey_response_submit(survey=survey, user=None, answers=answers, consent=True)
        durations.append((time.perf_counter() - start) * 1000)
    results["submit_median"] = statistics.median(durations)
    results["submit_p95"] = sorted(durations)[int(len(durations) * 0.95) - 1]

    print(
        f"database: {connection.vendor}; responses: {survey.responses.count():,}; answers: {n_answers:,}"
    )
    base = results["baseline"]
    for name, ms in results.items():
        print(f"{name:28} {ms:10.1f} ms   x{ms / base:8.1f} baseline")
    print(
        "aggregate vs naive python satisfaction: "
        f"{results['naive_python_satisfaction'] / results['results_all']:.2f}x "
        "(naive computes one number; survey_results computes every question)"
    )


if __name__ == "__main__":
    main()
