"""The tagging taxonomy in Wagtail admin is edited per agency (rule `nlp.edit_taxonomy`):
an agency's managers and admins edit its own tags and dictionary words; the default tags
(no agency) belong to superusers; moderators and facilitators don't edit the taxonomy."""

import pytest

from nlp.models import CustomWord, Tag
from portal.models import Role

pytestmark = pytest.mark.django_db

TAGS = "/cms-admin/snippets/nlp/tag/"
WORDS = "/cms-admin/snippets/nlp/customword/"
REFUSED = (302, 403, 404)


@pytest.fixture
def agency_a(agency_factory):
    return agency_factory(slug="agency-a", name="หน่วยงานเอ")


@pytest.fixture
def agency_b(agency_factory):
    return agency_factory(slug="agency-b", name="หน่วยงานบี")


@pytest.fixture
def tag_a(agency_a):
    return Tag.objects.create(slug="parking-a", label="ที่จอดรถของเอ", agency=agency_a)


@pytest.fixture
def tag_b(agency_b):
    return Tag.objects.create(slug="parking-b", label="ที่จอดรถของบี", agency=agency_b)


def tag_form(agency, **fields) -> dict:
    data = {
        "slug": "queue-card",
        "label": "บัตรคิว",
        "label_en": "",
        "agency": agency.pk if agency else "",
        "description": "",
        "keywords": "บัตรคิว, คิว",
        "examples": "",
        "is_active": "on",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_manager_and_admin_edit_only_their_agency_tags(
    client, make_member, role, agency_a, tag_a, tag_b
):
    default = Tag.objects.get(slug="waiting-time", agency=None)
    client.force_login(make_member(role, agency_a))
    html = client.get(TAGS).content.decode()
    assert tag_a.label in html
    assert tag_b.label not in html and default.label not in html
    assert client.get(f"{TAGS}edit/{tag_a.pk}/").status_code == 200
    response = client.post(
        f"{TAGS}edit/{tag_a.pk}/", tag_form(agency_a, slug=tag_a.slug, label="ที่จอดรถ (แก้แล้ว)")
    )
    assert response.status_code == 302
    tag_a.refresh_from_db()
    assert tag_a.label == "ที่จอดรถ (แก้แล้ว)"
    for other, agency in ((tag_b, tag_b.agency), (default, None)):
        assert client.get(f"{TAGS}edit/{other.pk}/").status_code in REFUSED
        post = tag_form(agency, slug=other.slug, label="ถูกแก้")
        assert client.post(f"{TAGS}edit/{other.pk}/", post).status_code in REFUSED
        assert client.post(f"{TAGS}delete/{other.pk}/").status_code in REFUSED
        other.refresh_from_db()
        assert other.label != "ถูกแก้"


def test_manager_adds_tags_only_to_own_agency(client, make_member, agency_a, agency_b):
    client.force_login(make_member(Role.MANAGER, agency_a))
    form = client.get(f"{TAGS}add/").context["form"]
    assert list(form.fields["agency"].queryset) == [agency_a]
    client.post(f"{TAGS}add/", tag_form(agency_b))
    client.post(f"{TAGS}add/", tag_form(None))  # a portal-wide default: superusers only
    assert not Tag.objects.filter(slug="queue-card").exists()
    assert client.post(f"{TAGS}add/", tag_form(agency_a)).status_code == 302
    assert Tag.objects.get(slug="queue-card").agency == agency_a


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR])
def test_other_roles_do_not_edit_the_taxonomy(client, make_member, role, agency_a, tag_a):
    client.force_login(make_member(role, agency_a))
    assert client.get(TAGS).status_code in REFUSED
    assert client.get(f"{TAGS}add/").status_code in REFUSED
    assert client.get(f"{TAGS}edit/{tag_a.pk}/").status_code in REFUSED
    assert client.post(f"{TAGS}add/", tag_form(agency_a)).status_code in REFUSED
    assert not Tag.objects.filter(slug="queue-card").exists()


def test_superuser_edits_default_tags(client, user_factory):
    default = Tag.objects.get(slug="waiting-time", agency=None)
    client.force_login(user_factory(is_superuser=True, is_staff=True))
    response = client.post(
        f"{TAGS}edit/{default.pk}/", tag_form(None, slug=default.slug, label="เวลารอคอย")
    )
    assert response.status_code == 302
    default.refresh_from_db()
    assert default.label == "เวลารอคอย" and default.agency is None


def test_dictionary_words_are_scoped_the_same_way(client, make_member, agency_a, agency_b):
    own = CustomWord.objects.create(word="บัตรทอง", agency=agency_a)
    other = CustomWord.objects.create(word="ใบส่งตัว", agency=agency_b)
    client.force_login(make_member(Role.MANAGER, agency_a))
    html = client.get(WORDS).content.decode()
    assert own.word in html and other.word not in html
    assert client.get(f"{WORDS}edit/{own.pk}/").status_code == 200
    assert client.get(f"{WORDS}edit/{other.pk}/").status_code in REFUSED
    assert client.post(f"{WORDS}delete/{other.pk}/").status_code in REFUSED
    assert CustomWord.objects.filter(pk=other.pk).exists()


def test_rule_matrix(make_member, user_factory, agency_a, agency_b, tag_a, tag_b):
    default = Tag.objects.get(slug="waiting-time", agency=None)
    superuser = user_factory(is_superuser=True)
    expected = {
        Role.MODERATOR: (False, False, False),
        Role.FACILITATOR: (False, False, False),
        Role.MANAGER: (True, False, False),
        Role.ADMIN: (True, False, False),
    }
    for role, (own, others, defaults) in expected.items():
        user = make_member(role, agency_a)
        got = tuple(user.has_perm("nlp.edit_taxonomy", t) for t in (tag_a, tag_b, default))
        assert got == (own, others, defaults), role
    assert user_factory().has_perm("nlp.edit_taxonomy", tag_a) is False
    assert all(superuser.has_perm("nlp.edit_taxonomy", t) for t in (tag_a, tag_b, default))
