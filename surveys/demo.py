"""Demo surveys: a hospital outpatient satisfaction survey with three fiscal years of answers
(2568–2570, satisfaction rising roughly 78% → 83% → 87%) and a municipality survey.
Idempotent: a survey that already has responses is left alone."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from portal.thai_dates import fiscal_year_datetime_range

from .models import Question, QuestionKind, SurveyPage
from .services import survey_response_submit

HOSPITAL_TITLE = "แบบสำรวจความพึงพอใจผู้รับบริการแผนกผู้ป่วยนอก"
CITY_TITLE = "แบบสำรวจความพึงพอใจบริการงานทะเบียนและการเก็บขยะ"

HOSPITAL_QUESTIONS = [
    (QuestionKind.LIKERT5, "ความพึงพอใจต่อระยะเวลารอคอยตั้งแต่ยื่นบัตรจนพบแพทย์", "", True),
    (QuestionKind.LIKERT5, "ความสุภาพและการให้บริการของเจ้าหน้าที่และพยาบาล", "", True),
    (QuestionKind.LIKERT5, "ความสะอาดของอาคาร ที่นั่งรอ และห้องน้ำ", "", True),
    (QuestionKind.LIKERT5, "แพทย์อธิบายอาการและการใช้ยาให้เข้าใจได้ชัดเจน", "", True),
    (QuestionKind.LIKERT5, "ความพึงพอใจโดยรวมต่อบริการแผนกผู้ป่วยนอก", "", True),
    (QuestionKind.NPS, "ท่านจะแนะนำแผนกผู้ป่วยนอกของโรงพยาบาลให้ญาติหรือเพื่อนมากน้อยเพียงใด", "", True),
    (QuestionKind.SINGLE, "ท่านมารับบริการในฐานะ", "ผู้ป่วย\nญาติหรือผู้ดูแล\nผู้ป่วยและมากับญาติ", True),
    (
        QuestionKind.MULTI,
        "ท่านนัดหมายหรือติดต่อโรงพยาบาลผ่านช่องทางใดบ้าง",
        "มาด้วยตนเอง (walk-in)\nโทรศัพท์\nLINE ของโรงพยาบาล\nแอปพลิเคชันหมอพร้อม",
        False,
    ),
    (QuestionKind.TEXT, "ข้อเสนอแนะเพิ่มเติมเพื่อปรับปรุงบริการ", "", False),
]

HOSPITAL_COMMENTS = [
    "รอพบแพทย์นานเกือบสามชั่วโมง อยากให้มีระบบคิวออนไลน์แจ้งเตือนทางมือถือ",
    "เจ้าหน้าที่ห้องบัตรพูดจาสุภาพ อธิบายขั้นตอนดีมาก ขอบคุณค่ะ",
    "ที่จอดรถไม่พอ ต้องวนหาที่จอดนานมาก ผู้สูงอายุเดินไกล",
    "ห้องน้ำชั้นหนึ่งไม่ค่อยสะอาด กลิ่นแรง ควรทำความสะอาดบ่อยขึ้น",
    "อยากให้มีป้ายบอกทางเป็นภาษาไทยตัวใหญ่ ๆ หาห้องตรวจไม่เจอ",
    "รับยานานมาก อยากให้มีบริการส่งยาทางไปรษณีย์สำหรับผู้ป่วยโรคเรื้อรัง",
    "พยาบาลคัดกรองใจดี ดูแลผู้สูงอายุอย่างเอาใจใส่",
    "เก้าอี้ที่นั่งรอไม่พอ ผู้ป่วยต้องยืนรอ ควรเพิ่มที่นั่งและพัดลม",
    "ระบบนัดผ่าน LINE สะดวกมาก ไม่ต้องมาเช้ามืดเหมือนเมื่อก่อน",
    "แพทย์อธิบายผลเลือดละเอียด เข้าใจง่าย ประทับใจ",
    "ควรมีรถเข็นสำหรับผู้ป่วยที่เดินไม่สะดวกบริเวณทางเข้าให้มากกว่านี้",
    "ขั้นตอนเอกสารสิทธิการรักษาซับซ้อน ต้องเดินหลายจุด อยากให้รวมเป็นจุดเดียว",
    "เวลารอคอยลดลงกว่าปีที่แล้วมาก ขอบคุณที่ปรับปรุงครับ",
    "อยากให้ประกาศเรียกคิวชัดเจนกว่านี้ ผู้สูงอายุได้ยินไม่ชัด",
    "จุดชำระเงินมีช่องเดียว คิวยาวมาก ควรเปิดรับชำระผ่าน QR code",
]

CITY_QUESTIONS = [
    (QuestionKind.LIKERT5, "ความรวดเร็วของบริการงานทะเบียนราษฎร", "", True),
    (QuestionKind.LIKERT5, "ความตรงต่อเวลาของการเก็บขยะในชุมชนของท่าน", "", True),
    (QuestionKind.LIKERT5, "ความพึงพอใจโดยรวมต่อบริการของเทศบาล", "", True),
    (QuestionKind.SINGLE, "ท่านอาศัยอยู่ในพื้นที่เขตใด", "เขต 1\nเขต 2\nเขต 3\nเขต 4", True),
    (QuestionKind.TEXT, "สิ่งที่อยากให้เทศบาลปรับปรุง", "", False),
]

CITY_COMMENTS = [
    "รถเก็บขยะมาไม่ตรงเวลา ขยะล้นถังหลายวัน",
    "งานทะเบียนบริการรวดเร็ว ใช้เวลาไม่ถึงสิบห้านาที",
    "อยากให้มีจุดแยกขยะรีไซเคิลในชุมชน",
    "ไฟถนนซอยบ้านดับหลายดวง กลางคืนมืดและไม่ปลอดภัย",
    "จองคิวทำบัตรประชาชนออนไลน์ได้สะดวกดีมาก",
]


def _weighted(rng: random.Random, satisfied_share: float, low_bias: float = 0.5) -> int:
    """A Likert answer: 4–5 with probability `satisfied_share`, otherwise 1–3 (mostly 3)."""
    if rng.random() < satisfied_share:
        return 5 if rng.random() < 0.42 else 4
    roll = rng.random()
    return 3 if roll < 0.7 else (2 if roll < 0.7 + 0.25 * (1 + low_bias) / 1.5 else 1)


def _nps_value(rng: random.Random, satisfied_share: float) -> int:
    if rng.random() < satisfied_share - 0.15:
        return rng.choice([9, 10])
    return rng.choice([7, 8, 8, 6, 5]) if rng.random() < 0.8 else rng.choice([2, 3, 4])


def _moments(rng: random.Random, fiscal_year: int, count: int, now) -> list[dt.datetime]:
    start, end = fiscal_year_datetime_range(fiscal_year)
    end = min(end, now - dt.timedelta(hours=2))
    span = (end - start).total_seconds()
    moments = []
    for _ in range(count):
        moment = start + dt.timedelta(seconds=rng.random() * span)
        local = timezone.localtime(moment)
        # clinic hours: 08:00–15:59 Bangkok time
        local = local.replace(hour=8 + rng.randrange(8), minute=rng.randrange(60))
        moments.append(min(max(local, start), end))
    return sorted(moments)


def survey_ensure(*, parent, title: str, slug: str, questions, **fields) -> SurveyPage:
    survey = SurveyPage.objects.child_of(parent).filter(slug=slug).first()
    if survey is not None:
        return survey.specific
    survey = SurveyPage(
        title=title,
        slug=slug,
        questions=[
            Question(kind=kind, text=text, choices_text=choices, required=required, sort_order=i)
            for i, (kind, text, choices, required) in enumerate(questions)
        ],
        **fields,
    )
    parent.add_child(instance=survey)
    survey.save_revision().publish()
    return survey


def _likert_deck(rng: random.Random, count: int, share: float) -> list[int]:
    """Exactly round(count * share) answers of 4–5, the rest 1–3, shuffled."""
    satisfied = round(count * share)
    deck = [5 if rng.random() < 0.42 else 4 for _ in range(satisfied)]
    deck += [_weighted(rng, 0.0) for _ in range(count - satisfied)]
    rng.shuffle(deck)
    return deck


def _answer(rng: random.Random, question: Question, share: float, comments: list[str], deck=None):
    if question.kind == QuestionKind.LIKERT5:
        return deck.pop() if deck else _weighted(rng, share)
    if question.kind == QuestionKind.NPS:
        return _nps_value(rng, share)
    if question.kind == QuestionKind.SINGLE:
        return rng.choice(question.choices)
    if question.kind == QuestionKind.MULTI:
        return rng.sample(question.choices, rng.randint(0, 2))
    return rng.choice(comments) if rng.random() < 0.35 else ""


def _fill(survey: SurveyPage, plan: dict[int, tuple[int, float]], comments, seed: int, users=()):
    if survey.responses.exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    questions = list(survey.questions.all())
    created = 0
    for fiscal_year, (count, share) in sorted(plan.items()):
        decks = {q.pk: _likert_deck(rng, count, share) for q in questions}
        for moment in _moments(rng, fiscal_year, count, now):
            answers = {str(q.pk): _answer(rng, q, share, comments, decks[q.pk]) for q in questions}
            survey_response_submit(
                survey=survey, user=None, answers=answers, consent=True, submitted_at=moment
            )
            created += 1
    for user in users:  # a few logged-in answers in the current year
        answers = {str(q.pk): _answer(rng, q, 0.9, comments) for q in questions}
        survey_response_submit(
            survey=survey, user=user, answers=answers, consent=True, submitted_at=now
        )
        created += 1
    return created


@transaction.atomic
def seed(ctx) -> None:
    opens = dt.datetime(2024, 10, 1, tzinfo=timezone.get_default_timezone())  # FY 2568
    hospital = survey_ensure(
        parent=ctx.agency_pages["sisuk-hospital"],
        title=HOSPITAL_TITLE,
        slug="opd-satisfaction",
        questions=HOSPITAL_QUESTIONS,
        intro="ใช้เวลาประมาณ 2 นาที ไม่ต้องระบุชื่อ คำตอบของท่านช่วยให้โรงพยาบาลลดเวลารอคอยและปรับปรุงบริการ",
        service_point="แผนกผู้ป่วยนอก",
        opens_at=opens,
        allow_anonymous=True,
        target_satisfaction_pct=85,
    )
    made = _fill(
        hospital,
        {2568: (90, 0.78), 2569: (110, 0.83), 2570: (45, 0.87)},
        HOSPITAL_COMMENTS,
        seed=2570,
        users=[ctx.users["citizen2"]] if "citizen2" in ctx.users else [],
    )
    city = survey_ensure(
        parent=ctx.agency_pages["muangmai-city"],
        title=CITY_TITLE,
        slug="city-services-satisfaction",
        questions=CITY_QUESTIONS,
        intro="เทศบาลนครเมืองใหม่อยากฟังเสียงของท่านเกี่ยวกับงานทะเบียนและการเก็บขยะ",
        service_point="ประชาชนในเขตเทศบาล",
        opens_at=opens,
        allow_anonymous=True,
        target_satisfaction_pct=80,
    )
    made += _fill(city, {2569: (30, 0.74), 2570: (18, 0.8)}, CITY_COMMENTS, seed=99)
    ctx.surveys = {"hospital": hospital, "city": city}
    ctx.log.append(f"surveys: 2 แบบสำรวจ, เพิ่มคำตอบ {made} ชุด")
