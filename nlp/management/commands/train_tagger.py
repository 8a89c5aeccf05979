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
        parser.add_argument(
            "--cv",
            action="store_true",
            help="Only print 5-fold cross-validation on the training examples: micro-F1 over "
            "THRESHOLD × KEYWORD_BOOST × RELATIVE, TF-IDF alone and with sentence embeddings "
            "(how the constants in nlp/tagger.py were chosen; the held-out file is not used).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        extra = [] if options["no_confirmed"] else self._confirmed()
        examples = tagger.training_examples(extra)
        if options["cv"]:
            self._cross_validate(examples)
            return
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

    def _cross_validate(self, examples) -> None:
        rows = tagger.cross_validate(examples)
        self.stdout.write(f"5-fold cross-validation on {len(examples)} training examples")
        for weight in sorted({r["semantic_weight"] for r in rows}):
            name = "TF-IDF only" if weight == 0 else f"TF-IDF + embeddings ({weight:.2f})"
            mine = [r for r in rows if r["semantic_weight"] == weight]
            current = next(
                (
                    r
                    for r in mine
                    if r["threshold"] == round(tagger.THRESHOLD, 2)
                    and r["keyword_boost"] == tagger.KEYWORD_BOOST
                    and r["relative"] == tagger.RELATIVE
                ),
                None,
            )
            for label, row in (("best", mine[0]), ("current constants", current)):
                if row is None:
                    continue
                worst = min(row["per_tag"].items(), key=lambda kv: kv[1])
                self.stdout.write(
                    f"  {name:<30} {label:<18} micro-F1 {row['micro_f1']:.3f}  "
                    f"threshold {row['threshold']:.2f} boost {row['keyword_boost']:.1f} "
                    f"relative {row['relative']:.1f}  lowest tag {worst[0]} {worst[1]:.3f}"
                )
