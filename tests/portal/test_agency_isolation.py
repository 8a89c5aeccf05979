"""Agency A vs agency B: every staff listing shows a member only their own agencies' records,
and choosing another agency in a filter does not widen it (the role matrix checks single
records; this checks lists)."""

import pytest

from portal.models import Role
from portal.services import audit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies(make_campaign, make_survey, agency_factory, user_factory):
    from ideas.services import idea_create
    from plans.models import ImprovementPlan
    from workshops.services import workshop_create

    made = {}
    for key in ("a", "b"):
        agency = agency_factory(slug=f"iso-{key}", name=f"หน่วยงาน {key.upper()}")
        campaign = make_campaign(agency)
        idea_create(
            campaign=campaign,
            author=user_factory(),
            title=f"ข้อเสนอของหน่วยงาน {key.upper()} ที่รอตรวจ",
            body="รายละเอียดข้อเสนอที่ยาวพอสำหรับการทดสอบการแยกหน่วยงาน",
            consent=True,
        )
        workshop_create(agency=agency, created_by=None, title=f"เวิร์กช็อปของหน่วยงาน {key.upper()}")
        make_survey(agency, title=f"แบบสำรวจของหน่วยงาน {key.upper()}")
        ImprovementPlan.objects.create(
            agency=agency, fiscal_year=2570, title=f"แผนของหน่วยงาน {key.upper()}"
        )
        audit_log(actor=None, action="idea.status", target=f"marker:{key}", agency=agency)
        made[key] = agency
    return made


def test_staff_listings_show_only_ones_own_agency(client, two_agencies, user_factory):
    from tests.factories import MembershipFactory

    b_staff = user_factory()
    for role in Role.values:
        MembershipFactory(user=b_staff, agency=two_agencies["b"], role=role)
    client.force_login(b_staff)
    pages = [
        "/staff/",
        "/ideas/moderation/",
        "/workshops/console/",
        "/surveys/staff/",
        "/plans/staff/",
        f"/staff/{two_agencies['b'].slug}/audit/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "หน่วยงาน A" not in html and "marker:a" not in html, url
    # What B's staff do see: their own records.
    seen = "".join(client.get(url).content.decode() for url in pages)
    for text in (
        "ข้อเสนอของหน่วยงาน B",
        "เวิร์กช็อปของหน่วยงาน B",
        "แบบสำรวจของหน่วยงาน B",
        "marker:b",
    ):
        assert text in seen, text
    assert client.get(f"/staff/{two_agencies['a'].slug}/audit/").status_code == 403
    assert client.get("/ideas/moderation/?agency=iso-a").status_code == 403
