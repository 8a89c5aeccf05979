from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("me/data/", views.my_data, name="my_data"),
    path("staff/", views.staff_dashboard, name="staff"),
    path("staff/<slug:slug>/audit/", views.audit_log, name="audit_log"),
]
