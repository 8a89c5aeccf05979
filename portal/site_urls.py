from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("staff/", views.staff_dashboard, name="staff"),
    path("staff/<slug:slug>/audit/", views.audit_log, name="audit_log"),
]
