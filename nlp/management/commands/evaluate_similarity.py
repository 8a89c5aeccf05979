"""Same-idea accuracy and recall@1/@5 on a JSONL file of {"a", "b", "duplicate"} pairs (an
optional "kind" per pair gives accuracy per kind)."""

from django.core.management.base import BaseCommand, CommandError

from nlp import similarity, tagger


class Command(BaseCommand):
    help = 'Evaluate similar-idea detection on a JSONL file of {"a", "b", "duplicate"} lines.'

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--errors", action="store_true", help="print the misjudged pairs")

    def handle(self, *args, **options):
        try:
            rows = tagger.read_jsonl(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        pairs = [
            {
                "a": str(r["a"]),
                "b": str(r["b"]),
                "duplicate": bool(r["duplicate"]),
                "kind": str(r.get("kind") or ""),
            }
            for r in rows
            if isinstance(r, dict) and {"a", "b", "duplicate"} <= set(r)
        ]
        if not pairs:
            raise CommandError('no {"a", "b", "duplicate"} lines in the file')
        result = similarity.evaluate(pairs)
        self.stdout.write(
            f"pairs: {result['pairs']} ({result['duplicates']} same idea), pool: {result['pool']} texts"
        )
        self.stdout.write(f"threshold: {result['threshold']:.2f}")
        self.stdout.write(f"same-idea accuracy: {result['accuracy']:.3f}")
        self.stdout.write(
            f"  (the combined measure alone, without the pair model: "
            f"{result['combined_accuracy']:.3f})"
        )
        different = result["pairs"] - result["duplicates"]
        self.stdout.write(
            f"  same idea recognised: {result['same_found']}/{result['duplicates']}, "
            f"different ideas recognised: {result['different_found']}/{different}"
        )
        for kind, (right, total) in result["by_kind"].items():
            self.stdout.write(f"  {kind}: {right}/{total}")
        self.stdout.write(f"recall@1: {result['recall_at_1']:.3f}")
        self.stdout.write(f"recall@5: {result['recall_at_5']:.3f}")
        style = result["style"]
        if style:
            self.stdout.write(
                "style-only baselines, AUC (0.5 = style tells nothing): "
                f"length difference {style['length_difference']:.2f}, "
                f"letters not shared {style['letters_not_shared']:.2f}"
            )
            if any(abs(v - 0.5) > similarity.STYLE_LEAK for v in style.values()):
                self.stdout.write(
                    self.style.WARNING(
                        "warning: style alone tells this file's same-idea pairs from the others "
                        "(paraphrases written in another register or length, different ideas "
                        "copying the wording); a model can score well here without reading meaning"
                    )
                )
        if options["errors"]:
            for error in result["errors"]:
                label = "same idea" if error["duplicate"] else "different ideas"
                self.stdout.write(
                    f"{error['score']:.2f} (labelled {label}): {error['a']!r} | {error['b']!r}"
                )
