"""Find the duplicate candidates that the moderation queue lists for ideas analysed before the
analysis task stored them (or after the pair model changed).

By default only ideas still waiting in the queue (not reviewed, not hidden); `--all` does every
idea. Each idea costs one similar-ideas lookup (the pair model, about 0.5-1 s on two cores).
"""

import time

from django.core.management.base import BaseCommand

from ideas.models import Idea, IdeaStatus
from ideas.services import idea_duplicates_find


class Command(BaseCommand):
    help = "Recompute the stored duplicate candidates of ideas waiting for review (or --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every idea, reviewed or not.")

    def handle(self, *args, **options):
        ideas = Idea.objects.exclude(status=IdeaStatus.HIDDEN).order_by("pk")
        if not options["all"]:
            ideas = ideas.filter(reviewed_at__isnull=True)
        started = time.monotonic()
        seen = with_candidates = 0
        for idea in ideas.only("pk", "campaign_id", "title", "body").iterator(chunk_size=200):
            seen += 1
            with_candidates += int(idea_duplicates_find(idea=idea) > 0)
        self.stdout.write(
            f"{seen} ideas looked up, {with_candidates} with duplicate candidates, "
            f"{time.monotonic() - started:.1f} s"
        )
