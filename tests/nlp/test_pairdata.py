"""What the pair model is trained on besides the labelled pairs (nlp.pairdata; no PyTorch)."""

from nlp import pairdata, pairmodel, similarity, tagger

PAIRS = [
    {"a": "ขอทางลาดหน้าสำนักงานเขต", "b": "คนนั่งวีลแชร์ขึ้นสำนักงานเขตไม่ได้ ไม่มีทางลาด", "duplicate": True},
    {"a": "ขอทางลาดหน้าสำนักงานเขต", "b": "ขอที่จอดรถคนพิการหน้าสำนักงานเขต", "duplicate": False},
    {"a": "ขอที่จอดรถคนพิการหน้าสำนักงานเขต", "b": "อยากให้มีช่องจอดรถผู้พิการที่เขต", "duplicate": True},
    {"a": "ไฟถนนซอย 5 ดับ", "b": "ซอย 5 มืดมาก ขอซ่อมไฟทาง", "duplicate": True},
    {"a": "ไฟถนนซอย 5 ดับ", "b": "ขอติดกล้องวงจรปิดในซอย 5", "duplicate": False},
]


def test_mined_negatives_pair_each_text_with_the_closest_other_idea(warm_models):
    mined = pairdata.mined_negatives(PAIRS, share=1.0)
    texts = list(dict.fromkeys(t for p in PAIRS for t in (p["a"], p["b"])))
    cluster = dict(zip(texts, similarity.idea_clusters(PAIRS, texts), strict=True))
    labelled = {frozenset((p["a"], p["b"])) for p in PAIRS}
    assert mined and all(not m["duplicate"] for m in mined)
    # never the same idea by the labels, never a pair that is already labelled
    assert all(cluster[m["a"]] != cluster[m["b"]] for m in mined)
    assert not labelled & {frozenset((m["a"], m["b"])) for m in mined}
    assert pairdata.mined_negatives(PAIRS, share=1.0) == mined  # the same every run
    assert pairdata.mined_negatives(PAIRS, share=0.0) == []
    assert pairdata.mined_negatives(PAIRS[:1], share=1.0) == []  # one idea: nothing to mine


def test_augment_adds_what_does_not_change_an_idea_and_keeps_labels():
    extra = pairdata.augment(PAIRS * 4, seed=1)
    labels = {(p["a"], p["b"]): p["duplicate"] for p in PAIRS}
    titled_copies = 0
    for pair in extra:
        a, b = pair["a"], pair["b"]
        copied = [
            label
            for (first, second), label in labels.items()
            if (a.endswith(" " + first) and b == second)
            or (a == first and b.endswith(" " + second))
        ]
        if copied:  # a labelled pair with a few words (a title) before one side
            titled_copies += 1
            assert pair["duplicate"] == copied[0]
        else:  # a text with a title, a polite ending or ขอให้ ↔ อยากให้
            assert pair["duplicate"]
    assert titled_copies and titled_copies < len(extra)


def _texts(path):
    return {text for row in tagger.read_jsonl(path) for text in (row["a"], row["b"])}


def test_the_pair_models_training_files_hold_no_held_out_text():
    trained = set().union(*map(_texts, pairmodel.TRAIN_FILES))
    held_out = sorted(tagger.DATA_DIR.glob("similarity_pairs_heldout*.jsonl"))
    assert len(held_out) >= 7
    for path in held_out:
        # the first held-out file was split from the first training file by pair, not by text
        shared = 8 if path.name == "similarity_pairs_heldout.jsonl" else 0
        assert len(_texts(path) & trained) == shared, path.name
