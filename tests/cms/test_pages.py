import pytest
from wagtail.models import Site
from wagtail.test.utils import WagtailPageTestCase

from cms.models import AgencyPage, HomePage, StandardPage
from cms.services import agency_page_ensure, home_page_ensure

pytestmark = pytest.mark.django_db


def test_home_page_renders_in_thai(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert "ร่วมคิด" in html
    assert 'href="#main"' in html  # skip link
    assert 'role="banner"' in html and 'role="contentinfo"' in html


def test_english_is_available(client, home_page):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html


def test_home_page_ensure_is_idempotent_and_replaces_welcome_page():
    first = home_page_ensure()
    second = home_page_ensure()
    assert first.pk == second.pk
    assert HomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page_id == first.pk


def test_agency_page_lists_children_and_empty_state(client, agency_factory):
    agency = agency_factory(name="เทศบาลทดสอบ")
    page = agency_page_ensure(agency=agency)
    response = client.get(page.url)
    assert response.status_code == 200
    assert "เทศบาลทดสอบ" in response.content.decode()
    assert "ยังไม่มีแคมเปญ" in response.content.decode()


def test_page_tree_rules():
    case = WagtailPageTestCase()
    case.assertCanCreateAt(HomePage, AgencyPage)
    case.assertCanCreateAt(HomePage, StandardPage)
    case.assertCanNotCreateAt(StandardPage, AgencyPage)


def test_wagtail_admin_login_page(client):
    assert client.get("/cms-admin/login/").status_code == 200


def test_home_page_ensure_rebuilds_a_flushed_tree():
    from wagtail.models import Locale, Page

    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    home = home_page_ensure()
    assert home.get_parent().is_root()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk


def test_thai_even_when_the_browser_asks_for_english(client, home_page):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="th">' in html
