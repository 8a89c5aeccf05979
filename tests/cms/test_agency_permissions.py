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


def test_members_upload_images_and_documents_into_their_agencys_own_collection(
    make_member, agency_factory, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection
    from wagtail.permissions import policy_registry

    from cms.services import agency_editor_groups_ensure

    agency_a, agency_b = agency_factory(), agency_factory()
    editor_a = make_member("manager", agency=agency_a)
    make_member("manager", agency=agency_b)
    agency_editor_groups_ensure()  # as after migrate: idempotent, one collection per agency
    agency_editor_groups_ensure()
    named_a = Collection.objects.filter(name=agency_a.name)
    assert named_a.count() == 1
    for model in (get_image_model(), get_document_model()):
        policy = policy_registry.get_by_type(model)
        allowed = list(policy.collections_user_has_permission_for(editor_a, "add"))
        assert allowed == [named_a.get()]

    def upload(title, collection):
        png = SimpleUploadedFile("sign.png", get_test_image_file().file.getvalue())
        data = {"title": title, "file": png, "collection": collection.pk}
        return client.post("/cms-admin/images/add/", data)

    client.force_login(editor_a)
    response = upload("ป้ายหน้าอาคาร", named_a.get())
    assert response.status_code == 302, response.context["form"].errors
    assert get_image_model().objects.filter(collection=named_a.get()).count() == 1
    # Asking for another agency's collection: the upload still lands in the member's own.
    other = Collection.objects.get(name=agency_b.name)
    upload("ของหน่วยงานอื่น", other)
    assert not get_image_model().objects.filter(collection=other).exists()
    assert get_image_model().objects.filter(collection=named_a.get()).count() == 2
