from django.urls import path

from . import views

app_name = "assessments"
base = "<slug:agency_slug>/<int:fiscal_year>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("create/", views.create, name="create"),
    path(base, views.detail, name="detail"),
    path(base + "readiness/", views.readiness_page, name="readiness"),
    path(base + "status/", views.change_status, name="status"),
    path(base + "comments/", views.add_comment, name="comment"),
    path(base + "findings/", views.add_finding, name="finding_add"),
    path(base + "findings/<int:finding_id>/delete/", views.delete_finding, name="finding_delete"),
    path(
        base + "findings/<int:finding_id>/to-plan/", views.finding_to_plan, name="finding_to_plan"
    ),
    path(base + "export.pdf", views.export_pdf, name="export_pdf"),
    path(base + "export.xlsx", views.export_xlsx, name="export_xlsx"),
    path(base + "items/<str:code>/", views.item_page, name="item"),
    path(base + "items/<str:code>/evidence/file/", views.evidence_file, name="evidence_file"),
    path(base + "items/<str:code>/evidence/record/", views.evidence_record, name="evidence_record"),
    path(
        base + "evidence/<int:evidence_id>/file/", views.evidence_download, name="evidence_download"
    ),
    path(
        base + "evidence/<int:evidence_id>/remove/", views.evidence_delete, name="evidence_remove"
    ),
]
