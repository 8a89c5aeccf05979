"""Fixtures for plans tests: plans, items and records of the other apps, made with the ORM
(fast, and with explicit dates so the evidence pack's numbers can be computed by hand)."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.models import ImprovementPlan, PlanItem
from portal.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

BKK = timezone.get_default_timezone()


def bkk(year, month, day, hour=10):
    """An aware datetime in Bangkok time (CE year)."""
    return dt.datetime(year, month, day, hour, tzinfo=BKK)


@pytest.fixture
def agency_a(db):
    return AgencyFactory(slug="agency-a", name="โรงพยาบาลเอ")


@pytest.fixture
def agency_b(db):
    return AgencyFactory(slug="agency-b", name="เทศบาลบี")


@pytest.fixture
def manager_a(agency_a):
    user = UserFactory(email="manager-a@example.com")
    MembershipFactory(user=user, agency=agency_a, role=Role.MANAGER)
    return user


@pytest.fixture
def manager_b(agency_b):
    user = UserFactory(email="manager-b@example.com")
    MembershipFactory(user=user, agency=agency_b, role=Role.MANAGER)
    return user


@pytest.fixture
def make_plan(db):
    def make(agency, fiscal_year=2570, **fields):
        fields.setdefault("title", f"แผนพัฒนาบริการ ปีงบประมาณ {fiscal_year}")
        fields.setdefault("is_published", True)
        return ImprovementPlan.objects.create(agency=agency, fiscal_year=fiscal_year, **fields)

    return make


@pytest.fixture
def make_item(db):
    def make(plan, **fields):
        fields.setdefault("title", "ระบบนัดหมายออนไลน์")
        fields.setdefault("pmqa_category", 3)
        fields.setdefault("pmqa_item", "3.3")
        return PlanItem.objects.create(plan=plan, **fields)

    return make


@pytest.fixture
def make_idea(db):
    from ideas.models import Idea

    def make(campaign, *, author=None, created_at=None, **fields):
        fields.setdefault("title", "ขอระบบนัดหมายออนไลน์")
        fields.setdefault("body", "อยากให้มีระบบนัดหมายออนไลน์ จะได้ไม่ต้องมารอตั้งแต่ตีห้า")
        return Idea.objects.create(
            campaign=campaign,
            agency_id=campaign.agency_id,
            author=author if author is not None else UserFactory(),
            created_at=created_at or timezone.now(),
            **fields,
        )

    return make
