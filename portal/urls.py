from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .api import api

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/", views.api_not_found),
    path("", include("portal.site_urls")),
    path("ideas/", include("ideas.urls")),
    path("nlp/", include("nlp.urls")),
    path("workshops/", include("workshops.urls")),
    path("surveys/", include("surveys.urls")),
    path("plans/", include("plans.urls")),
    path("assessments/", include("assessments.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's catch-all page serving comes last (its route lookup cached: cms.routing).
urlpatterns.append(path("", include("cms.urls")))
