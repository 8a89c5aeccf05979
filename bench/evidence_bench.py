"""Evidence pack bench: one agency-year with 5,000 ideas -> PDF time and peak memory.

    .venv/bin/python bench/evidence_bench.py                 # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plans_bench .venv/bin/python bench/evidence_bench.py

Loads (once, idempotent) an agency with 5,000 ideas in fiscal year 2570 (votes, comments, tags,
official responses, a workshop, 600 survey responses, a plan with items linked to 300 ideas),
then measures each format in a fresh process so the peak RSS is that of one request:
the bare baseline is the same pack for an agency with no data at all.
Goal (issue 8): PDF < 10 s and < 500 MB.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/evidence_bench.sqlite3")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

BENCH_AGENCY = "bench-hospital"
EMPTY_AGENCY = "bench-empty"
FISCAL_YEAR = 2570


def setup_django():
    import django

    django.setup()


def load(n_ideas: int) -> None:
    """Create the data once (bulk inserts; no NLP), or do nothing if it is already there."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from cms.services import agency_page_ensure, home_page_ensure
    from ideas.models import Comment, Idea, IdeaCampaignPage, IdeaTag, Vote
    from nlp.models import Tag
    from plans.models import ImprovementPlan, PlanItem
    from portal.models import Agency, Role
    from portal.services import membership_ensure, user_ensure
    from portal.thai_dates import fiscal_year_datetime_range
    from surveys.models import Answer, Question, QuestionKind, SurveyPage, SurveyResponse
    from workshops.models import Participant, Workshop

    agency, _ = Agency.objects.get_or_create(
        slug=BENCH_AGENCY, defaults={"name": "โรงพยาบาลทดสอบสมรรถนะ"}
    )
    Agency.objects.get_or_create(slug=EMPTY_AGENCY, defaults={"name": "หน่วยงานว่าง"})
    manager = user_ensure(email="bench-manager@ruamkid.example", display_name="ผู้จัดการทดสอบ")
    membership_ensure(user=manager, agency=agency, role=Role.MANAGER)
    existing = Idea.objects.filter(agency=agency).count()
    if existing >= n_ideas:
        print(f"data: {existing} ideas already loaded")
        return
    rng = random.Random(8)
    start, end = fiscal_year_datetime_range(FISCAL_YEAR)
    span = (end - start).total_seconds() - 86400 * 40
    with transaction.atomic():
        home_page_ensure()
        parent = agency_page_ensure(agency=agency)
        campaign = IdeaCampaignPage.objects.child_of(parent).filter(slug="bench").first()
        if campaign is None:
            campaign = IdeaCampaignPage(title="แคมเปญทดสอบ", slug="bench", question="ทดสอบ")
            parent.add_child(instance=campaign)
            campaign.save_revision().publish()
        users = [
            user_ensure(email=f"bench-citizen-{i}@ruamkid.example", display_name=f"ประชาชน {i}")
            for i in range(200)
        ]
        statuses = ["submitted"] * 4 + ["under_review", "accepted", "in_progress"] * 2
        statuses += ["implemented", "rejected", "hidden"]
        ideas = []
        for i in range(existing, n_ideas):
            created = start + timezone.timedelta(seconds=rng.random() * span)
            responded = rng.random() < 0.7
            ideas.append(
                Idea(
                    campaign=campaign,
                    agency=agency,
                    author=rng.choice(users),
                    title=f"ข้อเสนอทดสอบที่ {i + 1} ลดเวลารอคอยและเพิ่มบริการออนไลน์",
                    body="อยากให้โรงพยาบาลมีระบบนัดหมายออนไลน์และแจ้งคิวผ่านมือถือ " * 3,
                    status=rng.choice(statuses),
                    created_at=created,
                    first_response_at=(
                        created + timezone.timedelta(hours=rng.expovariate(1 / 200))
                        if responded
                        else None
                    ),
                    response_text="ขอบคุณสำหรับข้อเสนอ" if responded else "",
                    vote_count=0,
                )
            )
        ideas = Idea.objects.bulk_create(ideas, batch_size=1000)
        tags = list(Tag.objects.filter(agency__isnull=True))
        IdeaTag.objects.bulk_create(
            [
                IdeaTag(idea=idea, tag=tag, score=0.8)
                for idea in ideas
                for tag in rng.sample(tags, rng.randint(0, 2))
            ],
            batch_size=2000,
        )
        votes, comments = [], []
        for idea in ideas:
            for user in rng.sample(users, rng.randint(0, 6)):
                votes.append(
                    Vote(
                        idea=idea,
                        user=user,
                        created_at=idea.created_at + timezone.timedelta(days=rng.random() * 20),
                    )
                )
            for _ in range(rng.randint(0, 2)):
                comments.append(
                    Comment(
                        idea=idea,
                        author=rng.choice(users),
                        body="เห็นด้วยครับ",
                        created_at=idea.created_at + timezone.timedelta(days=rng.random() * 20),
                    )
                )
        Vote.objects.bulk_create(votes, batch_size=2000)
        Comment.objects.bulk_create(comments, batch_size=2000)
        workshop = Workshop.objects.create(
            agency=agency,
            title="เวิร์กช็อปทดสอบ",
            status=Workshop.Status.FINISHED,
            code="BENCH2",
            scheduled_at=start + timezone.timedelta(days=100),
        )
        Participant.objects.bulk_create(
            [Participant(workshop=workshop, display_name=f"P{i}") for i in range(40)]
        )
        survey = SurveyPage(title="แบบสำรวจทดสอบ", slug="bench-survey")
        survey.questions = [Question(kind=QuestionKind.LIKERT5, text="พึงพอใจเพียงใด")]
        parent.add_child(instance=survey)
        survey.save_revision().publish()
        question = survey.questions.first()
        responses = SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    survey=survey,
                    submitted_at=start + timezone.timedelta(seconds=rng.random() * span),
                )
                for _ in range(600)
            ]
        )
        Answer.objects.bulk_create(
            [
                Answer(response=r, question=question, number=rng.choice([2, 3, 4, 4, 5, 5]))
                for r in responses
            ]
        )
        plan, _ = ImprovementPlan.objects.get_or_create(
            agency=agency, fiscal_year=FISCAL_YEAR, defaults={"title": "แผนทดสอบ"}
        )
        visible = [idea for idea in ideas if idea.status != "hidden"]
        for n in range(10):
            item = PlanItem.objects.create(
                plan=plan,
                title=f"รายการพัฒนาที่ {n + 1}",
                pmqa_category=3,
                pmqa_item=["3.1", "3.2", "3.3", "3.4"][n % 4],
                status="in_progress",
                progress=10 * n,
            )
            item.ideas.add(*visible[n * 30 : (n + 1) * 30])
            item.workshops.add(workshop)
            item.surveys.add(survey)
    print(f"data: {len(ideas)} ideas, {len(votes)} votes, {len(comments)} comments loaded")


def render(agency, fmt: str) -> tuple[dict, float, int]:
    from plans import evidence, exports

    started = time.perf_counter()
    pack = evidence.evidence_pack(agency=agency, fiscal_year=FISCAL_YEAR)
    pack_seconds = time.perf_counter() - started
    if fmt == "pdf":
        size = len(exports.evidence_pdf(pack))
    elif fmt == "xlsx":
        rows = evidence.xlsx_rows(agency=agency, fiscal_year=FISCAL_YEAR)
        size = len(exports.evidence_xlsx(pack, rows))
    else:
        size = len(json.dumps(pack, default=str, ensure_ascii=False))
    pack["_pack_seconds"] = pack_seconds
    return pack, time.perf_counter() - started, size


def measure(agency_slug: str, fmt: str) -> dict:
    """In a fresh process: a cold request (imports, URL conf, fonts: what the first request of
    a new worker pays), then the same request warm (every later request). Peak RSS of both."""
    from portal.models import Agency

    agency = Agency.objects.get(slug=agency_slug)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _pack, cold, _size = render(agency, fmt)
    pack, warm, size = render(agency, fmt)
    return {
        "agency": agency_slug,
        "format": fmt,
        "ideas": pack["participation"]["totals"]["ideas"],
        "pack_s": round(pack["_pack_seconds"], 2),
        "cold_s": round(cold, 2),
        "total_s": round(warm, 2),
        "bytes": size,
        "rss_start_mb": round(rss_before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_child(agency_slug: str, fmt: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", agency_slug, fmt],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--measure", nargs=2, metavar=("AGENCY", "FORMAT"))
    args = parser.parse_args()
    setup_django()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    load(args.ideas)
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}, load average {os.getloadavg()}")
    print(
        f"{'format':6} {'agency':15} {'ideas':>6} {'cold s':>7} {'pack s':>7} {'warm s':>7} "
        f"{'peak MB':>8} {'bytes':>9}"
    )
    results = {}
    for fmt in ("json", "pdf", "xlsx"):
        for slug in (EMPTY_AGENCY, BENCH_AGENCY):
            runs = [run_child(slug, fmt) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["total_s"])
            best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
            results[(fmt, slug)] = best
            print(
                f"{fmt:6} {slug:15} {best['ideas']:>6} {best['cold_s']:>7} {best['pack_s']:>7} "
                f"{best['total_s']:>7} {best['peak_rss_mb']:>8} {best['bytes']:>9}"
            )
    pdf = results[("pdf", BENCH_AGENCY)]
    base = results[("pdf", EMPTY_AGENCY)]
    print(
        f"\nPDF, {pdf['ideas']} ideas: {pdf['total_s']} s warm, {pdf['cold_s']} s cold "
        f"(goal < 10 s), peak RSS "
        f"{pdf['peak_rss_mb']} MB (goal < 500 MB); ratio to the empty pack: "
        f"time x{pdf['total_s'] / max(base['total_s'], 0.01):.2f}, "
        f"memory x{pdf['peak_rss_mb'] / max(base['peak_rss_mb'], 1):.2f}"
    )


if __name__ == "__main__":
    main()
