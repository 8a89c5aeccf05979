import pytest
from ninja.errors import HttpError

from portal.ratelimit import rate_limit

pytestmark = pytest.mark.django_db


def test_rate_limit_raises_429_after_the_rate(rf, user_factory):
    user = user_factory()
    request = rf.post("/api/v1/ideas")
    request.user = user
    for _ in range(3):
        rate_limit(request, "vote", "3/m")
    with pytest.raises(HttpError) as excinfo:
        rate_limit(request, "vote", "3/m")
    assert excinfo.value.status_code == 429


def test_rate_limits_are_per_user(rf, user_factory):
    first, second = user_factory(), user_factory()
    for user in (first, second):
        request = rf.post("/")
        request.user = user
        rate_limit(request, "comment", "1/m")


def test_login_is_rate_limited_by_allauth(client, user_factory):
    user_factory(email="target@example.com")
    credentials = {"login": "target@example.com", "password": "wrong"}
    pages = [client.post("/accounts/login/", credentials) for _ in range(7)]
    assert "ล้มเหลวหลายครั้งเกินไป" not in pages[0].content.decode()
    # After 5 failures for the same account allauth refuses further attempts, in Thai.
    assert "พยายามเข้าสู่ระบบล้มเหลวหลายครั้งเกินไป" in pages[-1].content.decode()


@pytest.fixture
def tight(settings):
    """tight(**rates): override some of portal.ratelimit's rates for the test."""

    def apply(**rates):
        settings.RUAMKID = {**settings.RUAMKID, "RATE_LIMITS": rates}

    return apply


def test_requests_authenticated_by_a_token_are_limited_per_account(
    client, user_factory, token_for, tight
):
    tight(api_token="3/m")
    user = user_factory()
    headers = token_for(user)
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "detail" in client.get("/api/v1/me", headers=headers).json()
    # A second token of the same account shares the account's budget.
    assert client.get("/api/v1/me", headers=token_for(user)).status_code == 429
    # Other accounts are not affected.
    assert client.get("/api/v1/me", headers=token_for(user_factory())).status_code == 200


def test_guessing_tokens_runs_into_429(client, tight, user_factory):
    tight(api_token_invalid="2/m")
    bad = {"Authorization": "Bearer rk_not-a-real-token"}
    statuses = [client.get("/api/v1/me", headers=bad).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    # Over the rate, a right guess is refused like a wrong one (no token is looked up at all).
    from portal.services import api_token_create

    right = {"Authorization": f"Bearer {api_token_create(user=user_factory())}"}
    assert client.get("/api/v1/me", headers=right).status_code == 429
    # Anonymous callers without a token still read public data.
    assert client.get("/api/v1/agencies").status_code == 200


def test_token_requests_are_served_when_the_counters_cache_is_down(
    client, user_factory, token_for, monkeypatch
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for name in ("add", "incr", "get", "get_many", "set"):
        monkeypatch.setattr(cache, name, down)
    assert client.get("/api/v1/me", headers=token_for(user_factory())).status_code == 200


def test_votes_over_the_rate_get_429_and_counted_votes_stay(
    client, make_campaign, user_factory, token_for, tight
):
    from ideas.models import Vote
    from ideas.services import idea_create

    tight(vote="2/m")
    campaign = make_campaign()
    author = user_factory()
    ideas = [
        idea_create(
            campaign=campaign,
            author=author,
            title=f"ข้อเสนอที่ {n} เรื่องที่จอดรถ",
            body="ที่จอดรถไม่พอสำหรับผู้มาใช้บริการในช่วงเช้า",
            consent=True,
        )
        for n in range(3)
    ]
    voter = user_factory()
    headers = token_for(voter)
    statuses = [
        client.post(f"/api/v1/ideas/{idea.pk}/vote", headers=headers).status_code for idea in ideas
    ]
    assert statuses == [200, 200, 429]
    assert Vote.objects.filter(user=voter).count() == 2
    counts = [client.get(f"/api/v1/ideas/{idea.pk}").json()["vote_count"] for idea in ideas]
    assert counts == [1, 1, 0]


def test_logged_in_survey_responses_are_limited_and_saved_ones_stay(
    client, make_survey, agency_factory, user_factory, token_for, tight
):
    from surveys.models import SurveyResponse

    tight(survey_response="2/h")
    agency = agency_factory()
    surveys = [make_survey(agency) for _ in range(4)]
    user = user_factory()
    headers = token_for(user)

    def answer(survey, answers=None):
        question = survey.questions.first()
        return client.post(
            f"/api/v1/surveys/{survey.pk}/responses",
            {"answers": answers if answers is not None else {str(question.pk): 4}, "consent": True},
            content_type="application/json",
            headers=headers,
        ).status_code

    # A response refused for a missing answer does not use up the rate.
    assert answer(surveys[0], answers={}) == 422
    assert [answer(s) for s in surveys[:3]] == [201, 201, 429]
    assert SurveyResponse.objects.filter(user=user).count() == 2
    # The survey page (HTML form) shares the same budget and says so in Thai.
    client.force_login(user)
    question = surveys[3].questions.first()
    page = client.post(surveys[3].url, {f"q_{question.pk}": "4", "consent": "on"})
    assert page.status_code == 429
    assert "ทำรายการถี่เกินไป" in page.content.decode()
    assert SurveyResponse.objects.filter(user=user).count() == 2


def test_sign_up_is_rate_limited_by_allauth(client, settings, human_form_fields):
    """allauth's own limits (ACCOUNT_RATE_LIMITS) answer with our Thai 429 page."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    statuses = []
    for n in range(3):
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"new{n}@example.com",
                "password1": "ThaiCitizen#2569",
                "password2": "ThaiCitizen#2569",
                **human_form_fields("signup"),
            },
        )
        statuses.append(response.status_code)
    assert statuses == [302, 302, 429]
    assert "ทำรายการถี่เกินไป" in response.content.decode()
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(email__startswith="new").count() == 2


def test_behind_trusted_proxies_each_caller_has_its_own_budget(client, settings, tight):
    tight(api_token_invalid="2/m")
    bad = {"Authorization": "Bearer rk_not-a-real-token"}

    def guess(forwarded_for):
        headers = {**bad, "X-Forwarded-For": forwarded_for}
        return client.get("/api/v1/me", headers=headers).status_code

    settings.TRUSTED_PROXY_COUNT = 1
    assert [guess("203.0.113.5") for _ in range(3)] == [401, 401, 429]
    assert guess("198.51.100.7") == 401  # another caller behind the same proxy
    assert guess("198.51.100.99, 203.0.113.5") == 429  # entries further left can be forged

    settings.TRUSTED_PROXY_COUNT = 0  # no proxy of ours: the header is anyone's to write
    assert [guess(f"192.0.2.{n}") for n in range(3)] == [401, 401, 429]


def test_client_ip_falls_back_to_the_connection_for_missing_or_malformed_entries(rf, settings):
    from portal.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    assert client_ip(request) == "203.0.113.5"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1")) == (
        "10.0.0.2"
    )
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="x, y")) == (
        "10.0.0.2"
    )


def test_a_websocket_connection_is_keyed_by_the_same_address_as_a_request(settings):
    from portal.ratelimit import scope_client_ip

    scope = {
        "client": ("10.0.0.2", 41000),
        "headers": [(b"host", b"testserver"), (b"x-forwarded-for", b"198.51.100.9, 203.0.113.5")],
    }
    settings.TRUSTED_PROXY_COUNT = 1
    assert scope_client_ip(scope) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy of ours: the header is anyone's to write
    assert scope_client_ip(scope) == "10.0.0.2"
    assert scope_client_ip({"headers": []}) == "0.0.0.0"  # noqa: S104 - no client in the scope
