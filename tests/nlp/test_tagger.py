import pytest
from django.core.management import call_command

from nlp import services, tagger
from nlp.models import Tag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("รอคิวตรวจนานมากกก เกือบสามชั่วโมง", "waiting-time"),
        ("อยากให้มีแอปจองคิวออนไลน์", "digital-service"),
        ("เจ้าหน้าที่พูดจาไม่สุภาพ ตะคอกใส่คนแก่", "staff-service"),
        ("ขยะล้นถังส่งกลิ่นเหม็นทั้งซอย", "environment"),
        ("ขอทางลาดสำหรับรถเข็นผู้พิการ", "accessibility"),
        ("เจ้าหน้าที่เรียกเงินใต้โต๊ะ", "transparency"),
        ("ที่จอดรถไม่พอ วนหาที่จอดนานมาก", "transport"),
    ],
)
def test_text_analyse_tags_clear_examples(warm_models, text, slug):
    analysis = services.text_analyse(text=text)
    slugs = [t.slug for t in analysis.tags]
    assert slug in slugs
    assert 1 <= len(analysis.tags) <= tagger.MAX_TAGS
    assert all(0 < t.score <= 1 for t in analysis.tags)
    assert [t.score for t in analysis.tags] == sorted(
        (t.score for t in analysis.tags), reverse=True
    )
    label = Tag.objects.get(slug=slug, agency=None).label
    assert next(t.label for t in analysis.tags if t.slug == slug) == label


def test_text_analyse_shape_and_keywords(warm_models):
    analysis = services.text_analyse(text="อยากให้มีระบบนัดหมายออนไลน์ ไม่ต้องมาต่อคิวแต่เช้า")
    assert "นัดหมาย" in analysis.tokens
    assert "นัดหมาย" in analysis.search_text.split()
    assert "นัดหมาย" in analysis.keywords
    assert not {"อยาก", "ให้", "มี"} & set(analysis.keywords)


def test_empty_and_emoji_text_have_no_tags(warm_models):
    for text in ["", "😀😀😀", "!!!???"]:
        analysis = services.text_analyse(text=text)
        assert analysis.tags == [] and analysis.tokens == [] and analysis.keywords == []


def test_agency_tag_by_keywords_and_switching_a_default_off(warm_models, agency):
    Tag.objects.create(slug="pharmacy", label="ห้องยา", agency=agency, keywords=["ห้องยา", "รับยา"])
    text = "รอรับยาที่ห้องยานานมาก"
    assert "pharmacy" in [t.slug for t in services.text_analyse(text=text, agency=agency).tags]
    assert "pharmacy" not in [t.slug for t in services.text_analyse(text=text).tags]
    Tag.objects.create(slug="waiting-time", label="ปิด", agency=agency, is_active=False)
    slugs = [t.slug for t in services.text_analyse(text=text, agency=agency).tags]
    assert "waiting-time" not in slugs


def test_keywords_for_texts_ranks_shared_words(warm_models):
    texts = [
        "ที่จอดรถไม่พอ",
        "ขอเพิ่มที่จอดรถหน้าอาคาร",
        "ที่จอดรถเต็มทุกเช้า",
        "ห้องน้ำสกปรก",
    ]
    top = services.keywords_for_texts(texts, limit=5)
    assert top[0][0] == "ที่จอดรถ" and top[0][1] == 1.0


def test_evaluate_tagger_on_held_out_examples(warm_models, capsys):
    call_command("evaluate_tagger", str(tagger.HELDOUT_PATH))
    out = capsys.readouterr().out
    micro = float(out.split("micro-F1:")[1].split()[0])
    assert "waiting-time" in out and "macro-F1" in out
    assert micro >= 0.75  # regression guard; measured numbers are in the README


def test_evaluate_tagger_rejects_a_bad_file(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("evaluate_tagger", str(bad))


def test_train_tagger_uses_moderator_confirmed_examples(warm_models, tmp_path, monkeypatch, capsys):
    import ideas.selectors

    confirmed = [("ขอให้มีห้องละหมาดที่ตึกใหม่", ["facilities"])]
    monkeypatch.setattr(ideas.selectors, "confirmed_tag_examples", lambda: confirmed, raising=False)
    before = tagger.bundle()
    try:
        output = tmp_path / "tagger.joblib"
        call_command("train_tagger", "--output", str(output))
        out = capsys.readouterr().out
        assert "1 moderator-confirmed" in out
        assert output.exists() and output.stat().st_size < 5_000_000
        assert tagger.bundle().n_examples == before.n_examples + 1
    finally:
        tagger.bundle_reset(before)


def test_train_tagger_without_the_ideas_function(warm_models, tmp_path, monkeypatch, capsys):
    import ideas.selectors

    monkeypatch.delattr(ideas.selectors, "confirmed_tag_examples", raising=False)
    before = tagger.bundle()
    try:
        call_command("train_tagger", "--output", str(tmp_path / "t.joblib"))
        assert "not available" in capsys.readouterr().out
    finally:
        tagger.bundle_reset(before)
