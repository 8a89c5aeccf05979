"""Recompute the similarity signatures (sentence vector, content words, action/object frame) of
ideas stored before the current rules (`nlp.similarity.SIGNATURE_VERSION`) or without one.

In batches of ideas by id; idempotent: an idea whose signature is current is skipped, so a second
run (or a run after an interruption) only does what is left. `--all` recomputes every idea.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from ideas.models import Idea, idea_analysis_text
from nlp import selectors as nlp_selectors
from nlp import services as nlp_services


class Command(BaseCommand):
    help = "Recompute stale or missing similarity signatures of ideas, in batches (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--all", action="store_true", help="Recompute every idea, current or not."
        )

    def handle(self, *args, **options):
        size = options["batch_size"]
        if size < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.monotonic()
        last = 0
        seen = stored = 0
        encode_seconds = 0.0
        while True:
            batch = list(
                Idea.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "campaign_id", "title", "body")[:size]
            )
            if not batch:
                break
            last = batch[-1][0]
            seen += len(batch)
            current = (
                set()
                if options["all"]
                else nlp_selectors.signatures_current(kind="idea", object_ids=[r[0] for r in batch])
            )
            items = [
                (pk, campaign_id, idea_analysis_text(title, body))
                for pk, campaign_id, title, body in batch
                if pk not in current
            ]
            if items:
                t = time.monotonic()
                stored += nlp_services.signatures_update(kind="idea", items=items)
                encode_seconds += time.monotonic() - t
                self.stdout.write(f"  ideas up to #{last}: {len(items)} recomputed")
        per_idea = f", {1000 * encode_seconds / stored:.0f} ms per idea" if stored else ""
        self.stdout.write(
            f"{seen} ideas, {stored} signatures recomputed{per_idea}, "
            f"{seen - stored} already current or empty, {time.monotonic() - started:.1f} s"
        )
