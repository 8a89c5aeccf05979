"""What the pair model (``nlp.pairmodel``) is trained on besides the labelled pairs; no PyTorch
here, so it is tested where serving is."""

from __future__ import annotations

import random

import numpy as np

from . import encoder, pipeline, similarity

# endings that never change what is asked
ENDINGS = ("ครับ", "ค่ะ", "นะคะ", "ด้วยครับ", "ขอบคุณค่ะ", "ช่วยพิจารณาด้วยนะครับ")


def _title(text: str, rng: random.Random) -> str:
    words = [word for word in pipeline.tokenize(text) if word.strip()]
    return "".join(words[: rng.randint(2, 5)])


def augment(pairs: list[dict], seed: int = 0) -> list[dict]:
    """Pairs that teach what does not change an idea, added to the labelled ones.

    Our hard negatives copy most of a request and change one thing; without these the model
    also took a title before the same text (how an idea is stored: title, then body) or a polite
    ending for such a change. So: 40% of the texts paired with themselves plus a title, an ending
    or "ขอให้" ↔ "อยากให้" (same idea), and half of the labelled pairs again with a title before
    one side (label kept, so a title tells nothing)."""
    rng = random.Random(seed)
    texts = list(dict.fromkeys(t for p in pairs for t in (p["a"], p["b"])))
    extra = []
    for text in texts:
        if rng.random() >= 0.4:
            continue
        kind = rng.randrange(3)
        if kind == 0:
            other = f"{_title(text, rng)} {text}"
        elif kind == 1 or not ("ขอให้" in text or "อยากให้" in text):
            other = f"{text} {rng.choice(ENDINGS)}"
        elif "ขอให้" in text:
            other = text.replace("ขอให้", "อยากให้", 1)
        else:
            other = text.replace("อยากให้", "ขอให้", 1)
        extra.append({"a": text, "b": other, "duplicate": True})
    for pair in pairs:
        if rng.random() < 0.5:
            side, other = ("a", "b") if rng.random() < 0.5 else ("b", "a")
            titled = f"{_title(pair[side], rng)} {pair[side]}"
            extra.append({side: titled, other: pair[other], "duplicate": pair["duplicate"]})
    return extra


def mined_negatives(pairs: list[dict], share: float = 0.5, seed: int = 0) -> list[dict]:
    """Different ideas of one pair file that look most alike: for a share of its texts, the text
    of another idea (by the labels' clusters) with the closest sentence vector.

    When serving, the pair model reads a query with the combined measure's nearest candidates,
    most of them other ideas on the same topic; the labelled pairs hold only one or two of
    those per idea. Call it per file: texts of two files may be the same idea unlabelled."""
    rng = random.Random(seed)
    texts = list(dict.fromkeys(t for p in pairs for t in (p["a"], p["b"])))
    if len(texts) < 3:
        return []
    cluster = np.array(similarity.idea_clusters(pairs, texts))
    labelled = {frozenset((p["a"], p["b"])) for p in pairs}
    vectors = encoder.encode(texts)
    closeness = vectors @ vectors.T
    closeness[cluster[:, None] == cluster[None, :]] = -np.inf
    mined = []
    for i, text in enumerate(texts):
        if rng.random() >= share:
            continue
        j = int(np.argmax(closeness[i]))
        if np.isfinite(closeness[i, j]) and frozenset((text, texts[j])) not in labelled:
            mined.append({"a": text, "b": texts[j], "duplicate": False})
    return mined
