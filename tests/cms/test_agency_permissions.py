import pytest
from wagtail.models import Page

from cms.services import agency_page_ensure
from portal.models import Membership

pytestmark = pytest.mark.django_db


def test_members_edit_only_their_agency_tree(make_member, agency_factory, user_factory, client):
    agency_a = agency_factory()
    agency_b = agency_factory()
    page_a = agency_page_ensure(agency=agency_a)
    page_b = agency_page_ensure(agency=agency_b)
    editor = make_member("moderator", agency=agency_a)

    assert page_a.permissions_for_user(editor).can_edit()
    assert page_a.permissions_for_user(editor).can_publish()
    assert not page_b.permissions_for_user(editor).can_edit()
    home = Page.objects.get(pk=page_a.get_parent().pk)
    assert not home.permissions_for_user(editor).can_edit()

    client.force_login(editor)
    assert client.get("/cms-admin/").status_code == 200
    assert client.get(f"/cms-admin/pages/{page_a.pk}/edit/").status_code == 200
    assert client.get(f"/cms-admin/pages/{page_b.pk}/edit/").status_code in (302, 403)

    citizen = user_factory()
    client.force_login(citizen)
    assert client.get("/cms-admin/").status_code == 302  # no admin access


def test_losing_the_membership_removes_cms_access(make_member, agency_factory):
    agency = agency_factory()
    page = agency_page_ensure(agency=agency)
    editor = make_member("manager", agency=agency)
    assert page.permissions_for_user(editor).can_edit()
    Membership.objects.filter(user=editor).delete()
    editor = type(editor).objects.get(pk=editor.pk)  # fresh permission caches
    assert not page.permissions_for_user(editor).can_edit()
