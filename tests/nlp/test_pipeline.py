import time

import pytest

from nlp import pipeline, services


def test_normalise_cleans_thai_text():
    text = "รอนานมากกกกก\u200bเเย่ ๑๒๓ <b>ห้องน้ำ</b> &amp; 1000 ค่า"
    out = pipeline.normalise(text)
    assert "มากก" not in out and "มาก" in out
    assert "เเ" not in out and "แย่" in out
    assert "123" in out and "1000" in out
    assert "<b>" not in out and "&amp;" not in out and "&" in out
    assert "\u200b" not in out


def test_custom_dictionary_keeps_service_words_whole():
    tokens = pipeline.tokenize("บัตรคิวหายต้องทำใบขับขี่ใหม่ ทางลาดชำรุด")
    assert "บัตรคิว" in tokens
    assert "ใบขับขี่" in tokens


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("อยากให้มีระบบนัดหมายออนไลน์", "นัดหมาย"),
        ("อยากให้มีระบบนัดหมายออนไลน์", "ระบบ"),
        ("บัตรคิวหายบ่อย", "คิว"),
        ("ขอที่จอดรถผู้พิการเพิ่ม", "รถ"),
        ("ติดกล้องวงจรปิดที่ทางม้าลาย", "ม้าลาย"),
        ("ขอให้เพิ่มทางลาดสำหรับรถเข็น", "รถเข็น"),
    ],
)
def test_a_word_inside_a_compound_is_searchable(text, word):
    stored = set(services.search_text(text).split())
    terms = services.query_terms(word)
    assert terms, word
    assert all(term in stored for term in terms), (terms, stored)


def test_query_terms_match_whole_stored_tokens_for_every_content_word():
    ideas = [
        "อยากให้โรงพยาบาลมีระบบนัดหมายออนไลน์ ไม่ต้องมาต่อคิวตั้งแต่ตีห้า",
        "ห้องน้ำชั้นสองสกปรกมากกก ไม่มีกระดาษชำระ",
        "ขอให้ติดไฟส่องสว่างในซอยเทศบาล 5 เพราะมืดและเปลี่ยว",
    ]
    for idea in ideas:
        stored = set(services.search_text(idea).split())
        for word in pipeline.content_words(pipeline.tokenize(idea)):
            assert all(term in stored for term in services.query_terms(word)), word


def test_odd_input_gives_empty_results_not_errors():
    assert pipeline.tokenize("") == []
    assert pipeline.tokenize("😀😀🎉!!! ??? ...") == []
    assert services.query_terms("   ") == []
    mixed = pipeline.tokenize("ສະບາຍດີ hello สวัสดีครับ")
    assert "hello" in mixed and "สวัสดี" in mixed


def test_long_input_is_capped_and_does_not_hang():
    started = time.monotonic()
    tokens = pipeline.tokenize("ก" * 50_000 + "ทดสอบระบบ" * 5_000)
    assert time.monotonic() - started < 20
    assert isinstance(tokens, list)


def test_agency_custom_word_is_kept_whole(db, agency):
    from nlp.models import CustomWord

    before = pipeline.tokenize("ไปตึกศรีสุขมา")
    assert "ตึกศรีสุข" not in before
    CustomWord.objects.create(word="ตึกศรีสุข", agency=agency)
    try:
        assert "ตึกศรีสุข" in pipeline.tokenize("ไปตึกศรีสุขมา")
    finally:
        CustomWord.objects.filter(word="ตึกศรีสุข").delete()
    assert "ตึกศรีสุข" not in pipeline.tokenize("ไปตึกศรีสุขมา")


def test_normalise_fast_path_equals_pythainlp_normalize():
    """`normalise` skips pythainlp's normalize when its pre-check finds nothing to fix; the result
    must equal running it always (random strings dense in Thai marks + the training sentences)."""
    import random
    import re

    from pythainlp.util import normalize as thai_normalize

    from nlp import tagger

    def reference(text):
        saved = pipeline._NEEDS_THAI_NORMALIZE
        pipeline._NEEDS_THAI_NORMALIZE = re.compile("")  # matches everything: always normalize
        try:
            return pipeline.normalise(text)
        finally:
            pipeline._NEEDS_THAI_NORMALIZE = saved

    assert reference("เเปลก  ก่่อน") == thai_normalize("แปลก ก่อน")
    rng = random.Random(5)
    alphabet = "กขคงนมยรลวสอฤ" + "ะาำๅเแโใไ" + "ัิีึืํ็" + "ุู" + "่้๊๋" + "\u0e3a\u0e4c\u0e4e" + "  \n\tab1"
    samples = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(20_000)
    ]
    samples += [row["text"] for row in tagger.read_jsonl(tagger.TRAIN_PATH)]
    skipped = 0
    for text in samples:
        assert pipeline.normalise(text) == reference(text), repr(text)
        skipped += not pipeline._NEEDS_THAI_NORMALIZE.search(text)
    assert skipped > 300  # the fast path is really taken


def test_tokenize_equals_pythainlp_word_tokenize():
    """`tokenize_normalised` calls newmm directly (no wrapper post-processing unless the text has
    a formatted number); the tokens must be those of `word_tokenize(..., "newmm-safe")`."""
    from pythainlp.tokenize import word_tokenize

    from nlp import tagger

    texts = [row["text"] for row in tagger.read_jsonl(tagger.TRAIN_PATH)]
    texts += [
        "ค่าธรรมเนียม 1,234.50 บาท นัด 19:30น ที่ IP 127.0.0.1",
        "เวลา 8.30 - 16.30 น. ห้อง 3.2",
        "hello   world  ABC def",
        "ສະບາຍດີ hello สวัสดี 😀 !!!",
        "ก" * 3000,
    ]
    trie = pipeline.dictionary()
    for text in texts:
        clean = pipeline.normalise(text)
        expected = [
            token.lower()
            for token in word_tokenize(
                clean, custom_dict=trie, engine="newmm-safe", keep_whitespace=False
            )
            if pipeline._is_word(token)
        ]
        assert pipeline.tokenize_normalised(clean) == expected, text
