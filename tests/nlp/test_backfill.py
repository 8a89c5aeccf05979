import pytest
from django.core.management import call_command

from nlp import services, similarity
from nlp.models import TextSignature
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IDEAS = [
    ("ไฟถนนซอย 5", "ขอให้ติดไฟส่องสว่างในซอยเทศบาล 5 เพราะมืดมาก"),
    ("ห้ามจอดรถ", "ห้ามจอดรถบนทางเท้าหน้าตลาดสด"),
    ("เก็บขยะ", "ขอให้เก็บขยะในตลาดสดทุกวัน"),
]


@pytest.fixture
def ideas(make_campaign):
    from ideas.services import idea_create

    campaign = make_campaign()
    author = UserFactory()
    # idea_create queues the analysis on commit, which never comes inside a test transaction:
    # these ideas start without signatures, like ideas stored before similarity existed
    return [
        idea_create(campaign=campaign, author=author, title=t, body=b, consent=True)
        for t, b in IDEAS
    ]


def test_backfill_recomputes_missing_and_stale_signatures_in_batches_once(
    ideas, warm_models, capsys
):
    first, second, third = ideas
    assert not TextSignature.objects.filter(kind="idea").exists()
    # one stored by the rules before frames and versions: no frame, version 0
    services.signature_update(
        kind="idea", object_id=second.pk, scope_id=second.campaign_id, text="ข้อความเก่า"
    )
    TextSignature.objects.filter(object_id=second.pk).update(frame={}, version=0)

    call_command("backfill_signatures", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "3 ideas, 3 signatures recomputed" in out
    rows = {s.object_id: s for s in TextSignature.objects.filter(kind="idea")}
    assert set(rows) == {first.pk, second.pk, third.pk}
    assert all(s.version == similarity.SIGNATURE_VERSION for s in rows.values())
    assert all(s.scope_id == first.campaign_id for s in rows.values())
    ban = rows[second.pk]
    assert ban.frame["actions"] == ["stop"] and ban.frame["act"].startswith("จอด")
    assert "ตลาดสด" in ban.content_tokens  # the idea's text now, not the old one

    updated = {pk: s.updated_at for pk, s in rows.items()}
    call_command("backfill_signatures", "--batch-size", "2")
    assert "3 ideas, 0 signatures recomputed" in capsys.readouterr().out
    assert {s.object_id: s.updated_at for s in TextSignature.objects.all()} == updated

    found = services.similar(
        kind="idea",
        text="ซอยเทศบาล 5 มืดมากกก ไม่มีไฟเลย ขอไฟทางหน่อยครับ",
        scope_id=first.campaign_id,
    )
    assert found and found[0][0] == first.pk

    call_command("backfill_signatures", "--all")
    assert "3 ideas, 3 signatures recomputed" in capsys.readouterr().out


def test_backfill_refuses_a_zero_batch(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("backfill_signatures", "--batch-size", "0")
