"""Fixtures for self-assessment tests: records made with the ORM and explicit dates, so every
suggested number can be computed by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services
from portal.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

BKK = timezone.get_default_timezone()


def bkk(year, month, day, hour=10):
    """An aware datetime in Bangkok time (CE year). FY 2570 = 1 Oct 2026 – 30 Sep 2027."""
    return dt.datetime(year, month, day, hour, tzinfo=BKK)


@pytest.fixture
def agency(db):
    return AgencyFactory(slug="hospital-a", name="โรงพยาบาลเอ")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(slug="city-b", name="เทศบาลบี")


@pytest.fixture
def member(agency):
    """member(role, agency=agency) -> a user with that role."""

    def make(role, in_agency=None):
        user = UserFactory()
        MembershipFactory(user=user, agency=in_agency or agency, role=role)
        return user

    return make


@pytest.fixture
def manager(member):
    return member(Role.MANAGER)


@pytest.fixture
def moderator(member):
    return member(Role.MODERATOR)


@pytest.fixture
def assessment(agency, manager):
    return services.self_assessment_create(agency=agency, fiscal_year=2570, actor=manager)


@pytest.fixture
def answer_of(assessment):
    def get(code):
        return assessment.answers.select_related("item", "assessment__agency").get(item__code=code)

    return get


@pytest.fixture
def make_idea(db):
    from ideas.models import Idea

    def make(campaign, *, created_at, title="ห้องยาจ่ายช้ามาก", **fields):
        return Idea.objects.create(
            campaign=campaign,
            agency_id=campaign.agency_id,
            author=UserFactory(),
            title=title,
            body="รอรับยานานกว่าสองชั่วโมงทุกครั้ง อยากให้ปรับปรุง",
            created_at=created_at,
            **fields,
        )

    return make


@pytest.fixture
def tag_idea(db):
    from ideas.models import IdeaTag
    from nlp.models import Tag

    def tag(idea, slug):
        tag_obj, _ = Tag.objects.get_or_create(slug=slug, agency=None, defaults={"label": slug})
        IdeaTag.objects.create(idea=idea, tag=tag_obj, confirmed=True)

    return tag
