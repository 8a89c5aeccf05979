"""Delete old background evidence-pack files (run daily, e.g. from cron or a systemd timer)."""

from django.core.management.base import BaseCommand, CommandError

from plans import services


class Command(BaseCommand):
    help = (
        "Delete old evidence-pack files: keep the newest --keep finished files of each agency, "
        "fiscal year and format, none older than --days (the newest one always stays); "
        "failed exports and exports stuck for --days go too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=services.EXPORT_KEEP_LATEST)
        parser.add_argument("--days", type=int, default=services.EXPORT_MAX_AGE_DAYS)

    def handle(self, *args, keep: int, days: int, **options):
        if keep < 1 or days < 1:
            raise CommandError("--keep and --days must be at least 1")
        deleted = services.evidence_exports_prune(keep=keep, max_age_days=days)
        self.stdout.write(f"deleted {deleted} evidence export(s)")
