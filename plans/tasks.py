"""Background generation of large evidence packs (django-tasks; immediate in demo and tests)."""

from django_tasks import task


@task()
def evidence_export_run(export_id: int) -> None:
    from . import services

    services.evidence_export_generate(export_id=export_id)
