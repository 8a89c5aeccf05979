"""Wagtail's front-end URLs, with page serving through the cached router (``cms.routing``)."""

from django.urls import re_path
from wagtail import urls as wagtail_urls

from . import routing

urlpatterns = [
    *(p for p in wagtail_urls.urlpatterns if getattr(p, "name", None) != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
]
