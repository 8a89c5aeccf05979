"""Thai NLP benchmark: tagging throughput vs raw newmm, similar-idea lookup p95 at 1k vs 10k.

Measures, in the same run:
  1. raw pythainlp newmm tokenisation of 5,000 texts (the bare baseline), then the full
     `nlp.services.texts_analyse` (normalise, tokenise with the custom dictionary, compound parts,
     keywords, tags) of the same texts, in interleaved rounds, as texts per CPU-second of this
     process (less noisy than wall time on a shared machine); ratio = tagging ÷ newmm (goal ≥ 0.5).
     The default fast path (TF-IDF only, `NLP_TAGGER_SEMANTIC=False`) on all texts; with the
     optional sentence-embedding part on `--full-texts` of them, cold (the encoder runs) and with
     the vectors already computed (the idea-create task encodes the text for its similar-idea
     signature anyway);
  2. `nlp.services.similar` p95 over fresh query texts against 1,000 and 10,000 stored signatures
     (ratio goal ≤ 1.5). Stored vectors come from real encodings of 1,000 distinct texts; the 10k
     scope reuses them with small perturbations (the lookup cost does not depend on the wording);
  3. process peak memory (RSS).

Usage (SQLite file by default; any DATABASE_URL works):
    .venv/bin/python bench/nlp_bench.py [--texts 5000] [--queries 60] [--tagging-only]
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/nlp_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

PREFIXES = ["", "อยากให้", "ขอเสนอว่า", "รบกวนช่วย", "ในฐานะประชาชน ", "แจ้งเรื่อง: ", "ขอฝากว่า"]
SUFFIXES = ["", " ครับ", " ค่ะ", " ขอบคุณครับ", " ด่วนมากกก", " (แจ้งครั้งที่สองแล้ว)", " นะคะ"]
PLACES = ["", " ที่ตึกผู้ป่วยนอก", " หน้าเทศบาล", " ในซอย 5", " ที่อำเภอ", " ตลาดสดเทศบาล"]


def make_texts(n: int, seed: int = 7) -> list[str]:
    from nlp import tagger

    base = [r["text"] for r in tagger.read_jsonl(tagger.TRAIN_PATH)]
    base += [r["text"] for r in tagger.read_jsonl(tagger.HELDOUT_PATH)]
    rng = random.Random(seed)
    texts: dict[str, None] = {}
    while len(texts) < n:
        text = f"{rng.choice(PREFIXES)}{rng.choice(base)}{rng.choice(PLACES)}{rng.choice(SUFFIXES)}"
        texts[text] = None
    return list(texts)


def rate(fn, texts: list[str], batch: int = 200) -> float:
    """Texts per CPU-second of this process (less disturbed by other jobs than wall time)."""
    started = time.process_time()
    for i in range(0, len(texts), batch):
        fn(texts[i : i + batch])
    return len(texts) / max(time.process_time() - started, 1e-9)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--full-texts", type=int, default=500)
    parser.add_argument("--tagging-only", action="store_true", help="Skip the similarity part.")
    parser.add_argument("--similar-only", action="store_true", help="Skip the tagging part.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", verbosity=0)

    import numpy as np
    from pythainlp.tokenize import word_tokenize

    from nlp import encoder, pipeline, services, tagger
    from nlp.models import TextSignature

    texts = make_texts(args.texts)
    # Warm everything once (dictionary, tagger, encoder, tnc word list) outside the timings.
    word_tokenize("ทดสอบ", engine="newmm")
    services.texts_analyse(texts=texts[:5])
    tagger.bundle()
    encoder.model()  # tagging no longer loads it by default (NLP_TAGGER_SEMANTIC off)

    def analyse(batch, semantic: bool, warm_vectors: bool = False):
        pipeline._tokenize_cached.cache_clear()
        if not warm_vectors:
            encoder._memo.clear()
        with override_settings(NLP_TAGGER_SEMANTIC=semantic):
            return services.texts_analyse(texts=batch)

    if not args.similar_only:
        tagging(args, texts, analyse, word_tokenize, rate)
    if not args.tagging_only:
        similar_lookup(args, encoder, pipeline, services, TextSignature, np)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


def tagging(args, texts, analyse, word_tokenize, rate) -> None:
    from nlp import encoder

    # Interleaved rounds (newmm, then the tagging path, on the same texts), median ratio.
    newmm_rates, lexical_rates = [], []
    for _ in range(args.rounds):
        newmm_rates.append(rate(lambda b: [word_tokenize(t, engine="newmm") for t in b], texts))
        lexical_rates.append(rate(lambda b: analyse(b, semantic=False), texts))
    ratios = sorted(lx / nm for lx, nm in zip(lexical_rates, newmm_rates, strict=True))
    newmm = statistics.median(newmm_rates)
    lexical = statistics.median(lexical_rates)
    full_texts = texts[: min(len(texts), args.full_texts)]
    newmm_full = rate(lambda b: [word_tokenize(t, engine="newmm") for t in b], full_texts)
    full = rate(lambda b: analyse(b, semantic=True), full_texts)
    # On idea create the sentence vector is computed anyway for the similar-idea signature
    # (nlp.services.signature_update, memoised encoder): tagging then reuses it.
    encoder.encode(full_texts)
    shared = rate(lambda b: analyse(b, semantic=True, warm_vectors=True), full_texts)
    newmm_after = rate(lambda b: [word_tokenize(t, engine="newmm") for t in b], full_texts)
    newmm_full = (newmm_full + newmm_after) / 2
    print(
        f"texts: {len(texts)} ({args.rounds} interleaved rounds; embeddings on {len(full_texts)})"
    )
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"raw newmm tokenisation:            {newmm:9.0f} texts/CPU-s")
    print(
        f"tagging, TF-IDF only (default):    {lexical:9.0f} texts/CPU-s  ratio {ratios[len(ratios) // 2]:.2f}"
        f" (rounds {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(
        f"tagging, TF-IDF + embeddings:      {full:9.0f} texts/CPU-s  ratio {full / newmm_full:.2f}"
    )
    print(
        f"  same, vector already computed:   {shared:9.0f} texts/CPU-s  ratio {shared / newmm_full:.2f}"
        "  (idea create: the similarity signature encodes the text anyway)"
    )


def similar_lookup(args, encoder, pipeline, services, TextSignature, np) -> None:
    """similar() p95 at 1k vs 10k stored signatures."""
    from nlp import pairmodel

    TextSignature.objects.filter(kind="bench").delete()
    unique = list(dict.fromkeys(make_texts(1500, seed=11)))[:1000]
    sigs = pipeline_signatures(unique)
    rng = np.random.default_rng(3)

    def rows(scope: int, count: int, start: int):
        out = []
        for i in range(count):
            vector, words, frame, pieces = sigs[i % len(sigs)]
            if i >= len(sigs):
                vector = vector + rng.normal(0, 0.02, vector.shape).astype(np.float32)
                vector /= np.linalg.norm(vector)
            out.append(
                TextSignature(
                    kind="bench",
                    object_id=start + i,
                    scope_id=scope,
                    vector=encoder.to_bytes(vector),
                    content_tokens=words,
                    frame=frame,
                    pair_tokens=pieces,
                )
            )
        return out

    TextSignature.objects.bulk_create(rows(1, 1000, 0), batch_size=1000)
    TextSignature.objects.bulk_create(rows(2, args.stored, 100_000), batch_size=1000)
    queries = make_texts(args.queries, seed=99)
    results = {}
    for scope, size in ((1, 1000), (2, args.stored)):
        started = time.perf_counter()
        services.similar(kind="bench", text="ทดสอบการค้นหา", scope_id=scope)  # build the cache
        print(
            f"first similar() at {size:>6} stored (loads the matrix and word postings): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        timings = []
        for q in queries:
            encoder._memo.clear()  # a new idea being typed: its text is not encoded yet
            pipeline._tokenize_cached.cache_clear()
            pairmodel.text_ids.cache_clear()
            started = time.perf_counter()
            services.similar(kind="bench", text=q, scope_id=scope, limit=5)
            timings.append(time.perf_counter() - started)
        results[size] = (p95(timings), statistics.median(timings))
        print(
            f"similar() at {size:>6} stored: p95 {results[size][0] * 1000:7.1f} ms, "
            f"median {results[size][1] * 1000:7.1f} ms"
        )
    small, large = results[1000][0], results[args.stored][0]
    print(f"p95 ratio {args.stored} / 1000: {large / small:.2f}")
    TextSignature.objects.filter(kind="bench").delete()


def pipeline_signatures(texts: list[str]):
    from nlp import pairmodel, similarity

    return [
        (s.vector.copy(), s.words, s.frame.to_json(), list(pairmodel.text_ids(text)))
        for text, s in zip(texts, similarity.signatures(texts), strict=True)
    ]


if __name__ == "__main__":
    main()
