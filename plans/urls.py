from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plans_index, name="index"),
    path("staff/", views.staff_index, name="staff_index"),
    path("staff/plans/<int:plan_id>/", views.staff_plan, name="staff_plan"),
    path("staff/items/<int:item_id>/progress/", views.staff_item_progress, name="item_progress"),
    path("staff/items/<int:item_id>/link/", views.staff_item_link, name="item_link"),
    path(
        "staff/items/<int:item_id>/unlink/<str:kind>/<int:target_id>/",
        views.staff_item_unlink,
        name="item_unlink",
    ),
    path(
        "staff/<slug:agency_slug>/<int:fiscal_year>/evidence/",
        views.evidence_page,
        name="evidence",
    ),
    path(
        "staff/<slug:agency_slug>/<int:fiscal_year>/evidence/export/<str:fmt>/",
        views.evidence_export_start,
        name="export_start",
    ),
    path("staff/exports/<int:export_id>/", views.export_status, name="export_status"),
    path("staff/exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("link/<str:kind>/<int:target_id>/", views.link_target, name="link"),
    path(
        "link/<str:kind>/<int:target_id>/unlink/<int:item_id>/",
        views.unlink_target,
        name="unlink",
    ),
    path("<slug:agency_slug>/<int:fiscal_year>/", views.public_plan, name="public_plan"),
]
