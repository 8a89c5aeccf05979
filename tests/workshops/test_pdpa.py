import pytest

from portal.pdpa import account_erase, personal_data_export
from tests.factories import UserFactory
from workshops.models import Event, Note, Participant
from workshops.services import Actor, participant_join, workshop_op

from .conftest import make_workshop

pytestmark = pytest.mark.django_db


def test_export_and_erase_keep_the_board_but_drop_the_name():
    workshop, _ = make_workshop()
    user = UserFactory(display_name="มานี ใจดี")
    participant = participant_join(workshop=workshop, user=user)
    workshop_op(
        workshop_id=workshop.pk,
        actor=Actor(participant=participant, user=user),
        op="note.add",
        payload={"text": "ขอที่นั่งรอเพิ่ม"},
    )
    data = personal_data_export(user=user)["workshops"]["participations"]
    assert data[0]["workshop"] == workshop.code and data[0]["notes"][0]["text"] == "ขอที่นั่งรอเพิ่ม"
    account_erase(user=user)
    assert Participant.objects.get(pk=participant.pk).display_name == "ผู้ใช้ที่ลบบัญชีแล้ว"
    assert Event.objects.get().actor_name == "ผู้ใช้ที่ลบบัญชีแล้ว"
    assert Note.objects.count() == 1
