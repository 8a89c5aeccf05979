"""factory_boy factories shared by all tests (each app may add its own in tests/<app>/), and
builders for the Wagtail pages the apps hang off (campaigns, surveys): pages need a tree, so
they are made by `add_child` under the agency's page rather than by a factory."""

import itertools

import factory
from django.contrib.auth import get_user_model

from portal.models import Agency, Membership, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    display_name = factory.Sequence(lambda n: f"ผู้ใช้ทดสอบ {n}")
    password = factory.django.Password("correct-horse-battery")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"หน่วยงานทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test Agency {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.MODERATOR


_page_numbers = itertools.count(1)

# Every kind of survey question: (kind, text, choices, required).
SURVEY_ALL_KINDS = [
    ("likert5", "พอใจเวลารอคอยไหม", "", True),
    ("nps", "จะแนะนำไหม", "", True),
    ("single", "มาในฐานะ", "ผู้ป่วย\nญาติ", True),
    ("multi", "ช่องทาง", "โทรศัพท์\nLINE\nมาเอง", False),
    ("text", "ข้อเสนอแนะ", "", False),
]
SURVEY_ONE_LIKERT = [("likert5", "พึงพอใจเพียงใด", "", True)]


def campaign_page(agency=None, **fields):
    """A live IdeaCampaignPage under the agency's page (a new agency when none is given)."""
    from cms.services import agency_page_ensure
    from ideas.models import IdeaCampaignPage

    n = next(_page_numbers)
    agency = agency or AgencyFactory()
    page = IdeaCampaignPage(
        title=fields.pop("title", f"แคมเปญทดสอบ {n}"),
        slug=fields.pop("slug", f"campaign-{n}"),
        question=fields.pop("question", "อยากให้ปรับปรุงบริการอย่างไร"),
        **fields,
    )
    agency_page_ensure(agency=agency).add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def survey_page(agency, *, questions=None, slug=None, live=True, **fields):
    """A SurveyPage under the agency's page, published unless `live=False`.

    `questions`: [(kind, text, choices, required)], one Likert question by default
    (`SURVEY_ALL_KINDS` has one of each kind).
    """
    from cms.services import agency_page_ensure
    from surveys.models import Question, SurveyPage

    n = next(_page_numbers)
    page = SurveyPage(
        title=fields.pop("title", f"แบบสำรวจความพึงพอใจ {n}"),
        slug=slug or f"survey-{n}",
        live=live,
        agency=agency,
        **fields,
    )
    page.questions = [
        Question(kind=kind, text=text, choices_text=choices, required=required, sort_order=i)
        for i, (kind, text, choices, required) in enumerate(questions or SURVEY_ONE_LIKERT)
    ]
    agency_page_ensure(agency=agency).add_child(instance=page)
    if live:
        page.save_revision().publish()
        page.refresh_from_db()
    return page
