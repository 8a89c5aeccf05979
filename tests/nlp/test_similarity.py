import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nlp import services, similarity, tagger
from nlp.models import TextSignature

pytestmark = pytest.mark.django_db

IDEAS = {
    1: "ขอให้ติดไฟส่องสว่างในซอยเทศบาล 5 เพราะมืดมาก",
    2: "ขอให้ติดกล้องวงจรปิดในซอยเทศบาล 5",
    3: "ขอให้เก็บขยะในตลาดสดทุกวัน",
    4: "อยากให้มีระบบนัดหมายออนไลน์สำหรับพบแพทย์",
}


@pytest.fixture
def stored(warm_models):
    for object_id, text in IDEAS.items():
        services.signature_update(kind="idea", object_id=object_id, scope_id=10, text=text)
    services.signature_update(
        kind="idea", object_id=99, scope_id=20, text="ซอยเทศบาล 5 มืดมาก ไม่มีไฟทางเลย"
    )
    return IDEAS


def test_similarity_score_prefers_same_idea_over_same_topic(warm_models):
    anchor = "ขอให้ติดไฟส่องสว่างในซอยเทศบาล 5 เพราะมืดมาก"
    same, same_dup = services.similarity_score(
        anchor, "ซอยเทศบาล 5 มืดมากกก ไม่มีไฟเลย ขอไฟทางหน่อยครับ"
    )
    topic, topic_dup = services.similarity_score(anchor, "ขอให้ติดกล้องวงจรปิดในซอยเทศบาล 5")
    unrelated, unrelated_dup = services.similarity_score(anchor, "ขอให้เก็บขยะในตลาดสดทุกวัน")
    assert same > topic > unrelated
    assert same_dup and not topic_dup and not unrelated_dup
    assert all(0 <= s <= 1 for s in (same, topic, unrelated))


def test_similarity_score_of_empty_text():
    assert services.similarity_score("", "อะไรก็ได้") == (0.0, False)
    assert services.similarity_score("😀", "🎉")[1] is False


def test_signature_is_stored_once_with_vector_and_words(stored):
    sig = TextSignature.objects.get(kind="idea", object_id=4)
    vector = np.frombuffer(bytes(sig.vector), dtype=np.float32)
    assert vector.shape == (512,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-3
    assert "นัดหมาย" in sig.content_tokens
    assert sig.scope_id == 10


def test_similar_finds_the_paraphrase_in_the_scope_only(stored):
    text = "ซอยเทศบาล 5 มืดมากกก ไม่มีไฟเลย ขอไฟทางหน่อยครับ"
    found = services.similar(kind="idea", text=text, scope_id=10)
    assert found and found[0][0] == 1
    ids = [object_id for object_id, _ in found]
    assert 3 not in ids and 99 not in ids
    assert all(score >= similarity.threshold() for _, score in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    everywhere = [i for i, _ in services.similar(kind="idea", text=text, scope_id=None)]
    assert 99 in everywhere
    assert services.similar(kind="idea", text=text, scope_id=10, exclude_ids=[1]) == [
        item for item in found if item[0] != 1
    ]
    assert services.similar(kind="note", text=text) == []
    assert services.similar(kind="idea", text="😀😀", scope_id=10) == []


def test_similar_sees_updates_and_deletes(stored):
    text = "อยากให้มีระบบนัดหมายพบแพทย์แบบออนไลน์ครับ"
    assert 4 in [i for i, _ in services.similar(kind="idea", text=text, scope_id=10)]
    services.signature_delete(kind="idea", object_id=4)
    assert 4 not in [i for i, _ in services.similar(kind="idea", text=text, scope_id=10)]
    services.signature_update(kind="idea", object_id=5, scope_id=10, text=IDEAS[4])
    assert 5 in [i for i, _ in services.similar(kind="idea", text=text, scope_id=10)]
    services.signature_update(kind="idea", object_id=5, scope_id=10, text="")
    assert not TextSignature.objects.filter(kind="idea", object_id=5).exists()


def test_similar_does_not_reload_or_reencode_stored_texts(stored, monkeypatch):
    text = "อยากได้กล้อง CCTV ที่ซอยเทศบาล 5"
    services.similar(kind="idea", text=text, scope_id=10)
    calls = []
    original = similarity.signatures

    def counting(texts):
        calls.append(list(texts))
        return original(texts)

    monkeypatch.setattr(similarity, "signatures", counting)
    with CaptureQueriesContext(connection) as queries:
        services.similar(kind="idea", text=text, scope_id=10)
    assert calls == [[text]]  # only the query text is encoded
    assert len(queries) == 1  # the version check; the matrix comes from the process cache


def test_evaluate_similarity_command(warm_models, capsys):
    call_command("evaluate_similarity", str(tagger.DATA_DIR / "similarity_pairs_heldout.jsonl"))
    out = capsys.readouterr().out
    recall5 = float(out.split("recall@5:")[1].split()[0])
    recall1 = float(out.split("recall@1:")[1].split()[0])
    assert "same-idea accuracy" in out
    assert recall5 >= 0.9 and recall1 >= 0.7  # regression guards; README has the numbers
