from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
]
