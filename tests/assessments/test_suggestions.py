"""Evidence suggestions: every number checked against fixtures computed by hand.

FY 2570 = 1 Oct 2026 – 30 Sep 2027 (Bangkok time)."""

import datetime as dt

import pytest

from assessments import selectors, suggestions
from ideas.models import IdeaStatusChange

from .conftest import bkk

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def test_complaints_with_response_times(
    agency, other_agency, make_campaign, make_idea, tag_idea, assessment
):
    campaign = make_campaign(agency)

    def idea(created, days=None, tags=("waiting-time",), **fields):
        obj = make_idea(
            campaign,
            created_at=created,
            first_response_at=created + days * DAY if days is not None else None,
            **fields,
        )
        for slug in tags:
            tag_idea(obj, slug)
        return obj

    idea(bkk(2026, 10, 5), 2)  # 2 days
    idea(bkk(2026, 11, 1), 10, tags=("staff-service",))  # 10 days
    idea(bkk(2027, 1, 10), 20, tags=("waiting-time", "facilities"))  # 20 days, counted once
    idea(bkk(2027, 3, 1), None, tags=("safety",))  # not answered yet
    idea(bkk(2027, 2, 1), 1, tags=("digital-service",))  # a suggestion, not a complaint
    idea(bkk(2027, 2, 2), 1, status="hidden")  # moderated away
    idea(bkk(2026, 9, 20), 1)  # FY 2569
    other = make_campaign(other_agency)
    foreign = make_idea(other, created_at=bkk(2026, 12, 1))
    tag_idea(foreign, "waiting-time")

    result = suggestions.complaints(agency, 2570)
    n = result["numbers"]
    assert n["complaints"] == 4
    assert n["responded"] == 3 and n["unresponded"] == 1
    assert n["responded_pct"] == 75.0
    assert n["median_days"] == 10.0
    assert n["mean_days"] == 10.7  # (2 + 10 + 20) / 3
    assert n["max_days"] == 20.0
    assert n["within_target"] == 2 and n["within_target_pct"] == 66.7  # ≤ 15 days: 2 of 3
    assert "ข้อร้องเรียน 4 เรื่อง" in result["summary"]
    assert len(result["records"]) == 4
    assert result["records"][-1]["detail"] == "ยังไม่ได้ตอบกลับ"
    assert result["records"][0]["detail"] == "ตอบกลับใน 2.0 วัน"
    # The criteria route item 3.4 to this source.
    item = assessment.answers.get(item__code="3.4").item
    by_item = selectors.item_suggestions(assessment, [item])
    assert by_item["3.4"]["numbers"] == n


def test_complaint_tags_come_from_settings(agency, make_campaign, make_idea, tag_idea, settings):
    settings.RUAMKID = {**settings.RUAMKID, "COMPLAINT_TAG_SLUGS": ["digital-service"]}
    idea = make_idea(make_campaign(agency), created_at=bkk(2027, 2, 1))
    tag_idea(idea, "digital-service")
    assert suggestions.complaints(agency, 2570)["numbers"]["complaints"] == 1


def test_satisfaction_and_rm3(agency, make_survey, answer_survey, assessment):
    first = make_survey(agency)
    second = make_survey(agency, title="แบบสำรวจความพึงพอใจงานเภสัชกรรม")
    for score, day in zip([5, 4, 3, 2, 5], [1, 2, 3, 4, 5], strict=True):
        answer_survey(first, score, bkk(2027, 1, day))  # FY 2570: 3 of 5 satisfied
    answer_survey(first, 4, bkk(2026, 3, 1))  # FY 2569
    answer_survey(first, 4, bkk(2026, 9, 30, 20))  # FY 2569 (Bangkok time)
    answer_survey(second, 5, bkk(2027, 9, 30, 22))  # FY 2570, last evening

    result = suggestions.satisfaction(agency, 2570)
    n = result["numbers"]
    assert n["responses"] == 6
    assert n["satisfaction_pct"] == 66.67  # 4 of 6 answers are 4–5
    assert [(y["fiscal_year"], y["responses"], y["satisfaction_pct"]) for y in n["years"]] == [
        (2568, 0, None),
        (2569, 2, 100.0),
        (2570, 6, 66.67),
    ]
    records = {r["id"]: r for r in result["records"]}
    assert records[first.pk]["responses"] == 5 and records[first.pk]["satisfaction_pct"] == 60.0
    assert records[second.pk]["responses"] == 1
    assert records[second.pk]["satisfaction_pct"] == 100.0
    assert all(r["kind"] == "survey" for r in result["records"])

    rm3 = suggestions.results_satisfaction(agency, 2570)["numbers"]
    assert rm3["target_pct"] == 85.0
    assert [(y["satisfaction_pct"], y["meets_target"]) for y in rm3["years"]] == [
        (None, None),
        (100.0, True),
        (66.67, False),
    ]
    item = assessment.answers.get(item__code="7.3").item
    assert selectors.item_suggestions(assessment, [item])["7.3"]["numbers"] == rm3


def test_implemented_ideas_and_workshop_prototypes(agency, make_campaign, make_idea, make_workshop):
    from workshops.models import Cluster, Note, Participant

    campaign = make_campaign(agency)
    done = make_idea(
        campaign, created_at=bkk(2026, 6, 1), title="ชำระเงินผ่าน QR", status="implemented"
    )
    IdeaStatusChange.objects.create(
        idea=done, from_status="accepted", to_status="implemented", created_at=bkk(2027, 2, 1)
    )
    earlier = make_idea(campaign, created_at=bkk(2026, 1, 1), status="implemented")
    IdeaStatusChange.objects.create(
        idea=earlier, from_status="accepted", to_status="implemented", created_at=bkk(2026, 8, 1)
    )
    reopened = make_idea(campaign, created_at=bkk(2026, 11, 1), status="in_progress")
    IdeaStatusChange.objects.create(
        idea=reopened, from_status="accepted", to_status="implemented", created_at=bkk(2026, 12, 1)
    )

    held = make_workshop(agency, scheduled_at=bkk(2026, 12, 1))
    person = Participant.objects.create(workshop=held, display_name="ผู้ป่วย")
    cluster = Cluster.objects.create(workshop=held, title="นัดหมายออนไลน์")
    prototype_phase = held.phases.index("ต้นแบบ")
    Note.objects.create(
        workshop=held,
        author=person,
        text="ต้นแบบหน้าจองคิว",
        phase_index=prototype_phase,
        cluster=cluster,
    )
    Note.objects.create(
        workshop=held,
        author=person,
        text="ต้นแบบบัตรคิว SMS",
        phase_index=prototype_phase,
        promoted_idea=done,
    )
    Note.objects.create(workshop=held, author=person, text="ปัญหารอนาน", phase_index=0)
    last_year = make_workshop(agency, scheduled_at=bkk(2026, 5, 1))
    Note.objects.create(
        workshop=last_year,
        author=Participant.objects.create(workshop=last_year, display_name="ก"),
        text="ต้นแบบเก่า",
        phase_index=prototype_phase,
    )
    make_workshop(agency, status="draft", scheduled_at=bkk(2027, 1, 1))

    result = suggestions.innovation(agency, 2570)
    assert result["numbers"] == {
        "implemented_ideas": 1,
        "workshops": 1,
        "prototype_notes": 2,
        "clusters": 1,
        "promoted_ideas": 1,
    }
    kinds = [(r["kind"], r["id"]) for r in result["records"]]
    assert kinds == [("idea", done.pk), ("workshop", held.pk)]
    assert "ต้นแบบ 2 ชิ้น" in result["records"][1]["detail"]


def test_listening_channels(
    agency, make_campaign, make_idea, make_workshop, make_survey, answer_survey
):
    from workshops.models import Participant

    campaign = make_campaign(agency)
    make_idea(campaign, created_at=bkk(2026, 10, 2))
    make_idea(campaign, created_at=bkk(2026, 10, 3))
    make_idea(campaign, created_at=bkk(2026, 10, 4), status="hidden")
    workshop = make_workshop(agency, scheduled_at=bkk(2027, 4, 1))
    Participant.objects.create(workshop=workshop, display_name="ก")
    Participant.objects.create(workshop=workshop, display_name="ข")
    answer_survey(make_survey(agency), 5, bkk(2027, 4, 2))
    n = suggestions.listening(agency, 2570)["numbers"]
    assert n == {
        "ideas": 2,
        "authors": 2,
        "workshops": 1,
        "workshop_participants": 2,
        "survey_responses": 1,
    }
