"""Criteria as data, versioned by fiscal year."""

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Category, ChecklistQuestion, CriteriaSet, EvidenceSource, Item

pytestmark = pytest.mark.django_db

EXPECTED_ITEMS = {1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 3, 7: 6}


def test_migration_loads_2570_criteria_in_thai():
    criteria = CriteriaSet.objects.get(fiscal_year=2570)
    categories = list(criteria.categories.order_by("number"))
    assert [c.number for c in categories] == [1, 2, 3, 4, 5, 6, 7]
    assert categories[2].name == "การให้ความสำคัญกับผู้รับบริการและผู้มีส่วนได้ส่วนเสีย"
    counts = {c.number: c.items.count() for c in categories}
    assert counts == EXPECTED_ITEMS
    items = Item.objects.filter(category__criteria_set=criteria)
    for item in items:
        assert item.level_basic and item.level_advance and item.level_significance
        levels = set(item.questions.values_list("level", flat=True))
        assert levels == {1, 2, 3}, item.code
    rm = list(
        items.filter(category__number=7)
        .order_by("sort_order")
        .values_list("result_code", flat=True)
    )
    assert rm == ["RM1", "RM2", "RM3", "RM4", "RM5", "RM6"]
    sources = dict(items.filter(category__number=3).values_list("code", "evidence_source"))
    assert sources == {
        "3.1": EvidenceSource.LISTENING,
        "3.2": EvidenceSource.SATISFACTION,
        "3.3": EvidenceSource.INNOVATION,
        "3.4": EvidenceSource.COMPLAINTS,
    }


def test_assessment_uses_the_criteria_of_its_year(agency, manager):
    source = CriteriaSet.objects.get(fiscal_year=2570)
    copy = services.criteria_set_copy(source=source, fiscal_year=2571)
    assert "2571" in copy.title
    # Next year's criteria change: one item renamed, one item added to category 3.
    Item.objects.filter(category__criteria_set=copy, code="3.3").update(name="นวัตกรรมบริการ 2571")
    cat3 = Category.objects.get(criteria_set=copy, number=3)
    new = Item.objects.create(
        category=cat3,
        code="3.5",
        name="การสร้างความผูกพันกับชุมชน",
        level_basic="ก",
        level_advance="ข",
        level_significance="ค",
        sort_order=9,
    )
    ChecklistQuestion.objects.create(item=new, level=1, text="มีเครือข่ายชุมชน")

    a70 = services.self_assessment_create(agency=agency, fiscal_year=2570, actor=manager)
    a71 = services.self_assessment_create(agency=agency, fiscal_year=2571, actor=manager)
    assert a70.criteria_set.fiscal_year == 2570 and a71.criteria_set == copy
    assert a70.answers.count() == sum(EXPECTED_ITEMS.values())
    assert a71.answers.count() == sum(EXPECTED_ITEMS.values()) + 1
    assert a70.answers.get(item__code="3.3").item.name == "การออกแบบบริการและนวัตกรรมการบริการ"
    assert a71.answers.get(item__code="3.3").item.name == "นวัตกรรมบริการ 2571"
    assert not a70.answers.filter(item__code="3.5").exists()
    # The 2570 criteria's questions were copied, not moved.
    assert ChecklistQuestion.objects.filter(item__category__criteria_set=source).count() == (
        ChecklistQuestion.objects.filter(item__category__criteria_set=copy).count() - 1
    )


def test_no_criteria_for_the_year_is_a_thai_error(agency, manager):
    with pytest.raises(ValidationError, match="ยังไม่มีเกณฑ์"):
        services.self_assessment_create(agency=agency, fiscal_year=2575, actor=manager)


def test_copy_refuses_an_existing_year():
    source = CriteriaSet.objects.get(fiscal_year=2570)
    with pytest.raises(ValidationError):
        services.criteria_set_copy(source=source, fiscal_year=2570)


def test_one_assessment_per_agency_and_year(assessment, agency, manager):
    with pytest.raises(ValidationError, match="มีการประเมินตนเอง"):
        services.self_assessment_create(agency=agency, fiscal_year=2570, actor=manager)
