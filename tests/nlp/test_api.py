import pytest

pytestmark = pytest.mark.django_db

PREVIEW = "/api/v1/tagging/preview"
SIMILARITY = "/api/v1/similarity"


def test_tagging_preview_anonymous(client, warm_models):
    response = client.post(
        PREVIEW,
        {"text": "รอคิวนานมากกก อยากให้มีระบบนัดหมายออนไลน์"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"tokens", "tags", "keywords"}
    assert "นัดหมาย" in data["tokens"]
    slugs = [t["slug"] for t in data["tags"]]
    assert "digital-service" in slugs
    assert all(set(t) == {"slug", "label", "score"} for t in data["tags"])
    assert "ระยะเวลา" in response.content.decode() or "บริการออนไลน์" in response.content.decode()


@pytest.mark.parametrize("payload", [{"text": ""}, {"text": "   \n "}, {}, {"text": "ก" * 20_001}])
def test_tagging_preview_rejects_empty_or_long_text(client, payload):
    response = client.post(PREVIEW, payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and isinstance(body["errors"], list)


@pytest.mark.parametrize(
    "text",
    ["😀🎉🔥", "!!!???...", "<script>alert(1)</script>", "ສະບາຍດີ hello สวัสดี", "ทดสอบ\x00"],
)
def test_tagging_preview_odd_text_is_not_an_error(client, warm_models, text):
    response = client.post(PREVIEW, {"text": text}, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert "<script>" not in " ".join(data["tokens"])


def test_tagging_preview_with_agency(client, warm_models, agency):
    ok = client.post(
        PREVIEW, {"text": "ห้องน้ำสกปรก", "agency": agency.slug}, content_type="application/json"
    )
    assert ok.status_code == 200
    missing = client.post(
        PREVIEW, {"text": "ห้องน้ำสกปรก", "agency": "nope"}, content_type="application/json"
    )
    assert missing.status_code == 404 and "detail" in missing.json()


def test_tagging_preview_long_valid_text(client, warm_models):
    response = client.post(
        PREVIEW, {"text": "ห้องน้ำสกปรกมาก " * 1_000}, content_type="application/json"
    )
    assert response.status_code == 200


def test_similarity_endpoint(client, warm_models):
    response = client.post(
        SIMILARITY,
        {"a": "ขอให้ติดไฟส่องสว่างในซอยเทศบาล 5", "b": "ซอยเทศบาล 5 มืดมาก ขอไฟทางหน่อยครับ"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert 0 <= data["score"] <= 1 and isinstance(data["duplicate"], bool)


@pytest.mark.parametrize(
    "payload", [{"a": "ทดสอบ"}, {"a": "", "b": "ทดสอบ"}, {"a": "ก" * 20_001, "b": "ข"}]
)
def test_similarity_endpoint_rejects_bad_input(client, payload):
    response = client.post(SIMILARITY, payload, content_type="application/json")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_similarity_endpoint_emoji_only(client, warm_models):
    response = client.post(SIMILARITY, {"a": "😀", "b": "😀"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "score": 0.0,
        "duplicate": False,
        "threshold": response.json()["threshold"],
    }


def test_tagging_preview_lone_surrogate_is_a_clean_4xx_or_ok(client):
    response = client.post(PREVIEW, {"text": "\ud800ทดสอบ"}, content_type="application/json")
    assert response.status_code in (200, 422)
    assert response["Content-Type"].startswith("application/json")
