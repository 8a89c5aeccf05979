"""Retrain the auto-tagger from the labelled examples + tag example sentences + moderator-confirmed
tags (`ideas.selectors.confirmed_tag_examples()`), store it in nlp/data/tagger.joblib."""

import time

from django.core.management.base import BaseCommand

from nlp import tagger


class Command(BaseCommand):
    help = "Retrain the Thai auto-tagger (examples + moderator-confirmed tags) and store it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-confirmed",
            action="store_true",
            help="Ignore moderator-confirmed tags (train from the files only).",
        )
        parser.add_argument("--output", default=str(tagger.MODEL_PATH), help="Model file.")

    def handle(self, *args, **options):
        started = time.monotonic()
        extra = [] if options["no_confirmed"] else self._confirmed()
        examples = tagger.training_examples(extra)
        known = {slug for _, labels in examples for slug in labels}
        bundle = tagger.train(examples)
        path = tagger.save(bundle, path=tagger.Path(options["output"]))
        tagger.bundle_reset(bundle)
        self.stdout.write(
            f"trained on {len(examples)} examples ({len(extra)} moderator-confirmed), "
            f"{len(known)} tags, {time.monotonic() - started:.1f} s -> {path}"
        )

    def _confirmed(self) -> list[tuple[str, list[str]]]:
        try:
            from ideas.selectors import confirmed_tag_examples
        except ImportError:
            self.stdout.write(
                "ideas.selectors.confirmed_tag_examples() is not available: "
                "training without moderator-confirmed tags"
            )
            return []
        rows = []
        for text, slugs in confirmed_tag_examples():
            slugs = [s for s in slugs if s]
            if text and text.strip() and slugs:
                rows.append((text, slugs))
        return rows
