"""CMS uploads (staff): documents limited by type and size, images by type and size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


def _root_collection():
    from wagtail.models import Collection

    return Collection.get_first_root_node().pk


def test_document_type_and_size_are_checked(client, user_factory, settings):
    client.force_login(user_factory(is_superuser=True, is_staff=True))
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024

    def upload(name, content):
        return client.post(
            "/cms-admin/documents/add/",
            {
                "title": name,
                "file": SimpleUploadedFile(name, content),
                "collection": _root_collection(),
            },
        )

    upload("page.html", b"<script>alert(1)</script>")
    upload("big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    assert not get_document_model().objects.exists()
    assert upload("report.pdf", b"%PDF-1.4\n%%EOF\n").status_code == 302
    assert get_document_model().objects.get().title == "report.pdf"


def test_svg_images_are_refused(client, user_factory):
    client.force_login(user_factory(is_superuser=True, is_staff=True))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    client.post(
        "/cms-admin/images/add/",
        {
            "title": "logo",
            "file": SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml"),
            "collection": _root_collection(),
        },
    )
    assert not get_image_model().objects.exists()
