import pytest
from pytest_factoryboy import register

from portal.services import api_token_create

from .factories import AgencyFactory, MembershipFactory, UserFactory, campaign_page, survey_page

register(UserFactory)
register(AgencyFactory)
register(MembershipFactory)


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    from django.core.cache import cache

    # Rate limits (allauth, ours) live in the cache; on Redis it outlives a test run.
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Restore rows that data migrations create (default tags, Wagtail's root and locale).

    A `transaction=True` test ends by flushing every table, which also removes these rows for
    the tests that run after it.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.contrib.contenttypes.models import ContentType

    # Flushed tables get new content-type ids; the in-process cache would hand out stale ones.
    ContentType.objects.clear_cache()
    from nlp.models import Tag
    from nlp.taxonomy import DEFAULT_KEYWORDS, DEFAULT_TAGS

    if not Tag.objects.filter(agency=None).exists():
        for slug, label, label_en in DEFAULT_TAGS:
            Tag.objects.get_or_create(
                slug=slug,
                agency=None,
                defaults={
                    "label": label,
                    "label_en": label_en,
                    "keywords": DEFAULT_KEYWORDS.get(slug, []),
                },
            )
    from wagtail.models import Page

    if not Page.objects.exists():
        from cms.services import _root_page_ensure

        _root_page_ensure()


@pytest.fixture
def home_page(db):
    from cms.services import home_page_ensure

    return home_page_ensure()


@pytest.fixture
def make_campaign(db, home_page):
    """make_campaign(agency=None, **fields) -> a live IdeaCampaignPage under the agency's page."""
    return campaign_page


@pytest.fixture
def make_survey(db, home_page):
    """make_survey(agency, questions=None, slug=None, live=True, **fields) -> a SurveyPage
    (one Likert question unless `questions` says otherwise; see tests.factories)."""
    return survey_page


@pytest.fixture
def make_member(db):
    """make_member(role, agency=None) -> a user holding that role in the agency."""

    def make(role: str, agency=None, **user_kwargs):
        agency = agency or AgencyFactory()
        user = UserFactory(**user_kwargs)
        MembershipFactory(user=user, agency=agency, role=role)
        return user

    return make


@pytest.fixture
def token_for(db):
    """token_for(user) -> headers dict with a Bearer token for the API test client."""

    def make(user) -> dict:
        return {"Authorization": f"Bearer {api_token_create(user=user)}"}

    return make


@pytest.fixture
def answer_survey(db):
    """answer_survey(survey, score, submitted_at) -> a response to the survey's first question."""
    from surveys.models import Answer, SurveyResponse

    def answer(survey, score: int, submitted_at):
        response = SurveyResponse.objects.create(survey=survey, submitted_at=submitted_at)
        Answer.objects.create(response=response, question=survey.questions.first(), number=score)
        return response

    return answer


@pytest.fixture
def make_workshop(db):
    """make_workshop(agency, **fields) -> a finished workshop with a unique code."""
    from workshops.models import Workshop

    counter = {"n": 0}

    def make(agency, **fields):
        counter["n"] += 1
        fields.setdefault("title", "ลดเวลารอคอยหน้าห้องตรวจ")
        fields.setdefault("status", Workshop.Status.FINISHED)
        fields.setdefault("code", f"TWS{counter['n']:03d}"[:6])
        return Workshop.objects.create(agency=agency, **fields)

    return make


@pytest.fixture
def human_form_fields():
    """human_form_fields(purpose) -> the honeypot fields as a person's browser sends them
    (trap empty, start time signed a minute ago); see portal/honeypot.py."""
    import time

    from portal.honeypot import STAMP_FIELD, TRAP_FIELD, form_stamp

    def make(purpose: str) -> dict:
        return {TRAP_FIELD: "", STAMP_FIELD: form_stamp(purpose, started_at=time.time() - 60)}

    return make
