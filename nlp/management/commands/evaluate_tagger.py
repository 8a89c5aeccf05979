"""Micro/macro F1 and per-tag F1 of the stored tagger on a JSONL file of {"text", "labels"}."""

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from nlp import pipeline, tagger


def f1_report(gold: list[set[str]], predicted: list[set[str]]) -> dict:
    slugs = sorted(set().union(*gold, *predicted)) if gold else []
    per_tag = {}
    tp_all = fp_all = fn_all = 0
    for slug in slugs:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if slug in g and slug in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if slug not in g and slug in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if slug in g and slug not in p)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        support = tp + fn
        per_tag[slug] = {
            "f1": 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else 1.0,
            "precision": tp / (tp + fp) if (tp + fp) else 0.0,
            "recall": tp / support if support else 0.0,
            "support": support,
        }
    with_support = [v["f1"] for v in per_tag.values() if v["support"]]
    return {
        "micro_f1": 2 * tp_all / (2 * tp_all + fp_all + fn_all)
        if (tp_all + fp_all + fn_all)
        else 1.0,
        "macro_f1": sum(with_support) / len(with_support) if with_support else 0.0,
        "per_tag": per_tag,
    }


class Command(BaseCommand):
    help = 'Evaluate the auto-tagger on a JSONL file of {"text": ..., "labels": [slug, ...]} lines.'

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--errors", action="store_true", help="Also print wrong predictions.")
        parser.add_argument(
            "--semantic",
            choices=["default", "on", "off"],
            default="default",
            help="Blend in the sentence-embedding classifier (default: settings.NLP_TAGGER_SEMANTIC).",
        )

    def handle(self, *args, **options):
        try:
            rows = tagger.read_jsonl(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        rows = [r for r in rows if isinstance(r, dict) and "text" in r and "labels" in r]
        if not rows:
            raise CommandError('no {"text", "labels"} lines in the file')
        texts = [str(r["text"]) for r in rows]
        tokens = [pipeline.tokenize(t) for t in texts]
        semantic = {"on": True, "off": False}.get(options["semantic"], tagger.semantic_enabled())
        with override_settings(NLP_TAGGER_SEMANTIC=semantic):
            predictions = tagger.predict(texts, tokens)
        gold = [set(r["labels"]) for r in rows]
        predicted = [{slug for slug, _, _ in p} for p in predictions]
        report = f1_report(gold, predicted)
        self.stdout.write(
            f"examples: {len(rows)} "
            f"({'TF-IDF + sentence embeddings' if semantic else 'TF-IDF only'})"
        )
        self.stdout.write(f"micro-F1: {report['micro_f1']:.3f}")
        self.stdout.write(f"macro-F1: {report['macro_f1']:.3f}")
        self.stdout.write("per tag (F1 / precision / recall / support):")
        for slug, values in sorted(report["per_tag"].items()):
            self.stdout.write(
                f"  {slug:<16} {values['f1']:.3f} / {values['precision']:.3f} / "
                f"{values['recall']:.3f} / {values['support']}"
            )
        if options["errors"]:
            for text, g, p in zip(texts, gold, predicted, strict=True):
                if g != p:
                    self.stdout.write(f"  gold={sorted(g)} predicted={sorted(p)}  {text}")
