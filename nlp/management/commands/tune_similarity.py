"""Fit the similar-idea measure (weights + threshold) on labelled pairs; store nlp/data/similarity.json."""

import json

from django.core.management.base import BaseCommand, CommandError

from nlp import similarity, tagger


class Command(BaseCommand):
    help = (
        "Fit the same-idea measure on JSONL files of {a, b, duplicate} pairs (tuning sets only; "
        "default: the training files in nlp/data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", default=[str(p) for p in similarity.TRAIN_FILES])
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        try:
            pairs = tagger.read_jsonl_files(options["files"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        params = similarity.fit(pairs)
        self.stdout.write(json.dumps(params, ensure_ascii=False))
        if not options["dry_run"]:
            similarity.PARAMS_PATH.write_text(
                json.dumps(params, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            similarity.params_set(params)
